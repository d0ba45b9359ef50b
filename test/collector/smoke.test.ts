import t from 'tap';
import { ECS_VERSION } from '../../collector/ecs/event.js';
t.equal(typeof ECS_VERSION, 'string');
