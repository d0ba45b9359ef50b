import t from 'tap';
import { groundTruth } from '../../../eval/real/ground-truth.js';

t.test('judges each log type of a mixed file by its own rules; the most suspicious verdict of an actor wins', async (t) => {
  const failures = Array.from(
    { length: 10 },
    (_, i) => `Nov  2 10:00:0${i} bastion sshd[${i + 1}]: Failed password for root from 203.0.113.80 port 4000 ssh2`,
  );
  const truth = groundTruth([
    'Nov  2 10:00:00 web1 nginx: 203.0.113.80 - - [02/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0 (compatible; Googlebot/2.1)"',
    ...failures,
    'Nov  2 10:01:00 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.81 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=3389 SYN',
    'Nov  2 10:02:00 bastion systemd[1]: Started Session 4 of user dana.',
  ]);
  t.same(truth.types, { auth: 10, web: 1, firewall: 1, fail2ban: 0, other: 1 });
  const actor = truth.actors.get('ip:203.0.113.80');
  t.equal(actor?.class, 'attacker', 'a crawler on the web, a brute-forcer on sshd');
  t.same([...(actor?.attacks ?? [])], ['brute-forcer']);
  t.equal(truth.labels[0], 'attack', 'its web request is labelled by the actor, not by the line');
  t.equal(truth.labels[11], 'gray');
  t.equal(truth.labels[12], 'benign');
  t.equal(truth.lineActors[12], undefined);
});
