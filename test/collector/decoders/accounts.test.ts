import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'useradd new user keeps name, UID and GID in user.target',
    app: 'useradd',
    body: 'new user: name=bob, UID=0, GID=0, home=/home/bob, shell=/bin/bash, from=/dev/pts/0',
    expected: {
      event: { dataset: 'system.auth', action: ACTIONS.userCreated, category: ['iam'], type: ['user', 'creation'], outcome: 'success' },
      user: { target: { name: 'bob', id: '0', group: { id: '0' } } },
      related: { user: ['bob'] },
    },
  },
  {
    name: 'useradd new user without the from= field',
    app: 'useradd',
    body: 'new user: name=svc-backup, UID=998, GID=998, home=/var/lib/backup, shell=/usr/sbin/nologin',
    expected: { event: { action: ACTIONS.userCreated }, user: { target: { name: 'svc-backup', id: '998' } } },
  },
  {
    name: 'new group with GID',
    app: 'useradd',
    body: 'new group: name=bob, GID=1001',
    expected: { event: { action: ACTIONS.groupCreated, type: ['group', 'creation'] }, group: { name: 'bob', id: '1001' } },
  },
  {
    name: 'groupadd database entry lines are not counted as a second creation',
    app: 'groupadd',
    body: 'group added to /etc/group: name=devs, GID=1005',
    expected: {
      event: { action: ACTIONS.groupEntryAdded, type: ['group', 'change'] },
      group: { name: 'devs', id: '1005' },
      file: { path: '/etc/group' },
    },
  },
  {
    name: 'userdel delete user',
    app: 'userdel',
    body: "delete user 'bob'",
    expected: { event: { action: ACTIONS.userDeleted, type: ['user', 'deletion'] }, user: { target: { name: 'bob' } } },
  },
  {
    name: 'userdel removed group owned by',
    app: 'userdel',
    body: "removed group 'bob' owned by 'bob'",
    expected: { event: { action: ACTIONS.groupDeleted, type: ['group', 'deletion'] }, group: { name: 'bob' } },
  },
  {
    name: 'usermod change password',
    app: 'usermod',
    body: "change user 'bob' password",
    expected: { event: { action: ACTIONS.passwordChanged, type: ['user', 'change'] }, user: { target: { name: 'bob' } } },
  },
  {
    name: 'usermod add to group',
    app: 'usermod',
    body: "add 'bob' to group 'sudo'",
    expected: {
      event: { action: ACTIONS.userAddedToGroup, type: ['group', 'change'] },
      user: { target: { name: 'bob' } },
      group: { name: 'sudo' },
    },
  },
  {
    name: 'usermod add to shadow group is an entry update, not a second membership',
    app: 'usermod',
    body: "add 'bob' to shadow group 'sudo'",
    expected: {
      event: { action: ACTIONS.groupEntryAdded },
      user: { target: { name: 'bob' } },
      group: { name: 'sudo' },
      file: { path: '/etc/gshadow' },
    },
  },
  {
    name: 'usermod delete from group',
    app: 'usermod',
    body: "delete 'bob' from group 'docker'",
    expected: { event: { action: ACTIONS.userRemovedFromGroup }, user: { target: { name: 'bob' } }, group: { name: 'docker' } },
  },
  {
    name: 'usermod UID change keeps old and new ids',
    app: 'usermod',
    body: "change user 'bob' UID from '1001' to '0'",
    expected: { event: { action: ACTIONS.userChanged }, user: { target: { name: 'bob', id: '1001' }, changes: { id: '0' } } },
  },
  {
    name: 'usermod shell change',
    app: 'usermod',
    body: "change user 'bob' shell from '/usr/sbin/nologin' to '/bin/bash'",
    expected: { event: { action: ACTIONS.userChanged }, user: { target: { name: 'bob' } } },
  },
  {
    name: 'usermod rename',
    app: 'usermod',
    body: "change user name 'bob' to 'robert'",
    expected: { event: { action: ACTIONS.userRenamed }, user: { target: { name: 'bob' }, changes: { name: 'robert' } } },
  },
  {
    name: 'usermod lock and unlock',
    app: 'usermod',
    body: "lock user 'bob' password",
    expected: { event: { action: ACTIONS.userLocked }, user: { target: { name: 'bob' } } },
  },
  {
    name: 'passwd (shadow) names target and actor',
    app: 'passwd',
    body: "password for 'bob' changed by 'root'",
    expected: {
      event: { action: ACTIONS.passwordChanged },
      user: { name: 'root', target: { name: 'bob' } },
      related: { user: ['bob', 'root'] },
    },
  },
  {
    name: 'gpasswd adds a user to a group with the actor',
    app: 'gpasswd',
    body: 'user bob added by root to group wheel',
    expected: { event: { action: ACTIONS.userAddedToGroup }, user: { name: 'root', target: { name: 'bob' } }, group: { name: 'wheel' } },
  },
  {
    name: 'groupdel removes a group',
    app: 'groupdel',
    body: "group 'devs' removed",
    expected: { event: { action: ACTIONS.groupDeleted }, group: { name: 'devs' } },
  },
];

runCases(t, cases);
