/** What the internet's background web probes ask every public server for, whatever it hosts. */

export const PROBE_PATHS = [
  '/',
  '/.env',
  '/wp-login.php',
  '/xmlrpc.php',
  '/.git/config',
  '/robots.txt',
  '/admin/',
  '/boaform/admin/formLogin',
  '/cgi-bin/luci/;stok=/locale',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/HNAP1/',
  '/owa/auth/logon.aspx',
  '/remote/login',
  '/.aws/credentials',
  '/actuator/health',
  '/geoserver/web/',
  '/wp-includes/wlwmanifest.xml',
  '/favicon.ico',
];
/** A TLS ClientHello sent to the plain-HTTP port; nginx logs the raw bytes escaped and answers 400. */
export const TLS_HELLO_ON_HTTP = '\x16\x03\x01\x00\xf7\x01\x00\x00\xf3\x03\x03';
