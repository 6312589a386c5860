<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>EngineText</name>
    <message>
        <source>topic is empty</source>
        <translation>topic is empty</translation>
    </message>
    <message>
        <source>topic is longer than %1 bytes</source>
        <translation>topic is longer than %1 bytes</translation>
    </message>
    <message>
        <source>topic contains a control character</source>
        <translation>topic contains a control character</translation>
    </message>
    <message>
        <source>topic contains a space</source>
        <translation>topic contains a space</translation>
    </message>
    <message>
        <source>topic is not valid UTF-8</source>
        <translation>topic is not valid UTF-8</translation>
    </message>
    <message>
        <source>topic contains a wildcard ('+' or '#'); wildcards are only for subscription filters</source>
        <translation>topic contains a wildcard ('+' or '#'); wildcards are only for subscription filters</translation>
    </message>
    <message>
        <source>type is empty</source>
        <translation>type is empty</translation>
    </message>
    <message>
        <source>type is longer than %1 bytes</source>
        <translation>type is longer than %1 bytes</translation>
    </message>
    <message>
        <source>type contains a control character</source>
        <translation>type contains a control character</translation>
    </message>
    <message>
        <source>type contains a space</source>
        <translation>type contains a space</translation>
    </message>
    <message>
        <source>type is not valid UTF-8</source>
        <translation>type is not valid UTF-8</translation>
    </message>
    <message>
        <source>type '%1' is reserved for the server</source>
        <translation>type '%1' is reserved for the server</translation>
    </message>
    <message>
        <source>"topic" is missing or not a string</source>
        <translation>"topic" is missing or not a string</translation>
    </message>
    <message>
        <source>"type" must be a string</source>
        <translation>"type" must be a string</translation>
    </message>
    <message>
        <source>"payload" is missing</source>
        <translation>"payload" is missing</translation>
    </message>
    <message>
        <source>filter is empty</source>
        <translation>filter is empty</translation>
    </message>
    <message>
        <source>filter is longer than %1 bytes</source>
        <translation>filter is longer than %1 bytes</translation>
    </message>
    <message>
        <source>filter contains a control character</source>
        <translation>filter contains a control character</translation>
    </message>
    <message>
        <source>filter is not valid UTF-8</source>
        <translation>filter is not valid UTF-8</translation>
    </message>
    <message>
        <source>filter '%1': '#' must be the last level</source>
        <translation>filter '%1': '#' must be the last level</translation>
    </message>
    <message>
        <source>filter '%1': a wildcard must fill a whole level</source>
        <translation>filter '%1': a wildcard must fill a whole level</translation>
    </message>
    <message>
        <source>%1 live tails are open already; stop one first</source>
        <translation>%1 live tails are open already; stop one first</translation>
    </message>
    <message>
        <source>client_id is empty</source>
        <translation>client_id is empty</translation>
    </message>
    <message>
        <source>client_id is longer than %1 bytes</source>
        <translation>client_id is longer than %1 bytes</translation>
    </message>
    <message>
        <source>client_id contains a control character</source>
        <translation>client_id contains a control character</translation>
    </message>
    <message>
        <source>client_id is not valid UTF-8</source>
        <translation>client_id is not valid UTF-8</translation>
    </message>
    <message>
        <source>the engine is not running</source>
        <translation>the engine is not running</translation>
    </message>
    <message>
        <source>no stream with id %1</source>
        <translation>no stream with id %1</translation>
    </message>
    <message>
        <source>no client with id '%1'</source>
        <translation>no client with id '%1'</translation>
    </message>
    <message>
        <source>client '%1' has no subscription '%2'</source>
        <translation>client '%1' has no subscription '%2'</translation>
    </message>
    <message>
        <source>nothing to reload: no --acl or --jwt-secret-file</source>
        <translation>nothing to reload: no --acl or --jwt-secret-file</translation>
    </message>
    <message>
        <source>%1 - the previous rules stay in force</source>
        <translation>%1 - the previous rules stay in force</translation>
    </message>
    <message>
        <source>access rules reloaded; %1 subscription(s) no longer allowed were removed; %2 stream(s) whose credentials no longer hold were ended</source>
        <translation>access rules reloaded; %1 subscription(s) no longer allowed were removed; %2 stream(s) whose credentials no longer hold were ended</translation>
    </message>
    <message>
        <source>this route needs the admin role</source>
        <translation>this route needs the admin role</translation>
    </message>
    <message>
        <source>body of %1 bytes is larger than the limit of %2 bytes</source>
        <translation>body of %1 bytes is larger than the limit of %2 bytes</translation>
    </message>
    <message>
        <source>Redis at %1 is unavailable; the event was not accepted</source>
        <translation>Redis at %1 is unavailable; the event was not accepted</translation>
    </message>
    <message>
        <source>Redis at %1 became unavailable; the event was not accepted</source>
        <translation>Redis at %1 became unavailable; the event was not accepted</translation>
    </message>
    <message>
        <source>not ready: Redis at %1 is unavailable (%2); the event was not accepted, retry later</source>
        <translation>not ready: Redis at %1 is unavailable (%2); the event was not accepted, retry later</translation>
    </message>
    <message>
        <source>Redis at %1 did not confirm the event: %2</source>
        <translation>Redis at %1 did not confirm the event: %2</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2: %3</source>
        <translation>cannot listen on %1:%2: %3</translation>
    </message>
    <message>
        <source>HTTPS needs both --tls-cert and --tls-key</source>
        <translation>HTTPS needs both --tls-cert and --tls-key</translation>
    </message>
    <message>
        <source>no PEM certificate in %1</source>
        <translation>no PEM certificate in %1</translation>
    </message>
    <message>
        <source>cannot read the TLS key %1: %2</source>
        <translation>cannot read the TLS key %1: %2</translation>
    </message>
    <message>
        <source>no unencrypted PEM RSA or EC private key in %1</source>
        <translation>no unencrypted PEM RSA or EC private key in %1</translation>
    </message>
    <message>
        <source>no PEM certificate in the client CA file %1</source>
        <translation>no PEM certificate in the client CA file %1</translation>
    </message>
    <message>
        <source>cannot read the JWT secret file %1: %2</source>
        <translation>cannot read the JWT secret file %1: %2</translation>
    </message>
    <message>
        <source>the JWT secret in %1 is %2 bytes; HS256 needs at least 32 (e.g. head -c 48 /dev/urandom | base64 &gt; %1)</source>
        <translation>the JWT secret in %1 is %2 bytes; HS256 needs at least 32 (e.g. head -c 48 /dev/urandom | base64 &gt; %1)</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2 (check --log-file and the directory's permissions)</source>
        <translation>cannot open the log file %1: %2 (check --log-file and the directory's permissions)</translation>
    </message>
    <message>
        <source>invalid Redis URL '%1': %2 (expected redis://[:password@]host[:port][/db])</source>
        <translation>invalid Redis URL '%1': %2 (expected redis://[:password@]host[:port][/db])</translation>
    </message>
    <message>
        <source>listening on %1 without authentication: anyone who can reach it can subscribe, publish and use the admin routes; set --jwt-secret-file and --acl, or listen on 127.0.0.1</source>
        <translation>listening on %1 without authentication: anyone who can reach it can subscribe, publish and use the admin routes; set --jwt-secret-file and --acl, or listen on 127.0.0.1</translation>
    </message>
    <message>
        <source>--cors-origin '*' on a hub without authentication: any web page opened in a browser that can reach this hub can subscribe, publish and use the admin routes through it; name the allowed origins, or set --jwt-secret-file and --acl</source>
        <translation>--cors-origin '*' on a hub without authentication: any web page opened in a browser that can reach this hub can subscribe, publish and use the admin routes through it; name the allowed origins, or set --jwt-secret-file and --acl</translation>
    </message>
    <message>
        <source>embedded</source>
        <translation>embedded</translation>
    </message>
    <message>
        <source>redis %1 connected</source>
        <translation>redis %1 connected</translation>
    </message>
    <message>
        <source>redis %1 catching up</source>
        <translation>redis %1 catching up</translation>
    </message>
    <message>
        <source>redis %1 unavailable: %2</source>
        <translation>redis %1 unavailable: %2</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connecting</translation>
    </message>
    <message>
        <source>Redis at %1 was unreachable from %2 to %3 (%4 s); %5 publishes refused meanwhile</source>
        <translation>Redis at %1 was unreachable from %2 to %3 (%4 s); %5 publishes refused meanwhile</translation>
    </message>
    <message>
        <source>client closed</source>
        <translation>client closed</translation>
    </message>
    <message>
        <source>dead peer</source>
        <translation>dead peer</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>slow consumer</translation>
    </message>
    <message>
        <source>write failed</source>
        <translation>write failed</translation>
    </message>
    <message>
        <source>disconnected by an operator</source>
        <translation>disconnected by an operator</translation>
    </message>
    <message>
        <source>server shutdown</source>
        <translation>server shutdown</translation>
    </message>
    <message>
        <source>server restart</source>
        <translation>server restart</translation>
    </message>
    <message>
        <source>credentials expired</source>
        <translation>credentials expired</translation>
    </message>
    <message>
        <source>by a stream</source>
        <translation>by a stream</translation>
    </message>
    <message>
        <source>by the API</source>
        <translation>by the API</translation>
    </message>
    <message>
        <source>access rules</source>
        <translation>access rules</translation>
    </message>
    <message>
        <source>renewed</source>
        <translation>renewed</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>paused</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>resumed</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archived</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>deleted</translation>
    </message>
    <message>
        <source>Redis unreachable</source>
        <translation>Redis unreachable</translation>
    </message>
    <message>
        <source>Redis lost its data</source>
        <translation>Redis lost its data</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>cannot create the data directory %1 (--data-dir)</source>
        <translation>cannot create the data directory %1 (--data-dir)</translation>
    </message>
    <message>
        <source>cannot lock the data directory %1 (--data-dir): check that it is writable</source>
        <translation>cannot lock the data directory %1 (--data-dir): check that it is writable</translation>
    </message>
    <message>
        <source>the data directory %1 is in use by another ssehub (process %2 on %3); give each instance its own --data-dir, or --data-dir '' to keep subscriptions in memory only</source>
        <translation>the data directory %1 is in use by another ssehub (process %2 on %3); give each instance its own --data-dir, or --data-dir '' to keep subscriptions in memory only</translation>
    </message>
    <message>
        <source>Redis is unreachable: the other instances' presence cannot be read now</source>
        <translation>Redis is unreachable: the other instances' presence cannot be read now</translation>
    </message>
    <message>
        <source>the other instances' presence could not be read from Redis: %1</source>
        <translation>the other instances' presence could not be read from Redis: %1</translation>
    </message>
    <message>
        <source>'%1' is not a topic or filter</source>
        <translation>'%1' is not a topic or filter</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 d %2</source>
        <translation>%1 d %2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Server-Sent Events hub with a desktop monitoring console.</source>
        <translation>Server-Sent Events hub with a desktop monitoring console.</translation>
    </message>
    <message>
        <source>Run the engine without a window.</source>
        <translation>Run the engine without a window.</translation>
    </message>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one).</source>
        <translation>Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one).</translation>
    </message>
    <message>
        <source>Heartbeat interval: a ': ping' comment after this long without output (default 30s; e.g. 15s, 500ms).</source>
        <translation>Heartbeat interval: a ': ping' comment after this long without output (default 30s; e.g. 15s, 500ms).</translation>
    </message>
    <message>
        <source>Reconnect delay suggested to clients in the 'retry:' line (default 3000ms).</source>
        <translation>Reconnect delay suggested to clients in the 'retry:' line (default 3000ms).</translation>
    </message>
    <message>
        <source>Number of recent events kept for replay (default 10000).</source>
        <translation>Number of recent events kept for replay (default 10000).</translation>
    </message>
    <message>
        <source>Bytes queued for one slow client before it is disconnected (default 1M).</source>
        <translation>Bytes queued for one slow client before it is disconnected (default 1M).</translation>
    </message>
    <message>
        <source>Largest request body accepted (default 64K).</source>
        <translation>Largest request body accepted (default 64K).</translation>
    </message>
    <message>
        <source>Allow browser requests from this origin (repeatable; '*' for any).</source>
        <translation>Allow browser requests from this origin (repeatable; '*' for any).</translation>
    </message>
    <message>
        <source>Directory for stored subscriptions and cursors (default: the user's data directory; '' keeps them in memory only).</source>
        <translation>Directory for stored subscriptions and cursors (default: the user's data directory; '' keeps them in memory only).</translation>
    </message>
    <message>
        <source>How long after its expiry a subscription can still be renewed (default 7d).</source>
        <translation>How long after its expiry a subscription can still be renewed (default 7d).</translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is archived (default 15d).</source>
        <translation>Time after expiry when a subscription is archived (default 15d).</translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is deleted (default 30d).</source>
        <translation>Time after expiry when a subscription is deleted (default 30d).</translation>
    </message>
    <message>
        <source>Accept HS256 tokens signed with the secret in FILE (at least 32 bytes; a trailing newline is ignored).</source>
        <translation>Accept HS256 tokens signed with the secret in FILE (at least 32 bytes; a trailing newline is ignored).</translation>
    </message>
    <message>
        <source>Topic access rules and roles (JSON, see docs/CONFIG.md).</source>
        <translation>Topic access rules and roles (JSON, see docs/CONFIG.md).</translation>
    </message>
    <message>
        <source>Cookie that may carry the token (default ssehub_token).</source>
        <translation>Cookie that may carry the token (default ssehub_token).</translation>
    </message>
    <message>
        <source>Clock skew allowed on a token's exp and nbf (default 30s).</source>
        <translation>Clock skew allowed on a token's exp and nbf (default 30s).</translation>
    </message>
    <message>
        <source>Serve HTTPS with this certificate chain (PEM).</source>
        <translation>Serve HTTPS with this certificate chain (PEM).</translation>
    </message>
    <message>
        <source>The private key of --tls-cert (PEM, unencrypted).</source>
        <translation>The private key of --tls-cert (PEM, unencrypted).</translation>
    </message>
    <message>
        <source>Require client certificates signed by this CA (PEM); the certificate's CN becomes the client id.</source>
        <translation>Require client certificates signed by this CA (PEM); the certificate's CN becomes the client id.</translation>
    </message>
    <message>
        <source>Topic filters per stream or subscription request (default 64).</source>
        <translation>Topic filters per stream or subscription request (default 64).</translation>
    </message>
    <message>
        <source>Longest topic or filter in bytes (default and maximum 256).</source>
        <translation>Longest topic or filter in bytes (default and maximum 256).</translation>
    </message>
    <message>
        <source>Time a client has to send one complete request; slower ones get 408 and are closed (default 15s).</source>
        <translation>Time a client has to send one complete request; slower ones get 408 and are closed (default 15s).</translation>
    </message>
    <message>
        <source>Open streams at most (default 10000; 0: no limit).</source>
        <translation>Open streams at most (default 10000; 0: no limit).</translation>
    </message>
    <message>
        <source>Streams from one address at most (default 0: no limit).</source>
        <translation>Streams from one address at most (default 0: no limit).</translation>
    </message>
    <message>
        <source>Streams of one client id at most (default 64; 0: no limit).</source>
        <translation>Streams of one client id at most (default 64; 0: no limit).</translation>
    </message>
    <message>
        <source>Publishes per second per client, or per address for anonymous publishers (default 0: no limit).</source>
        <translation>Publishes per second per client, or per address for anonymous publishers (default 0: no limit).</translation>
    </message>
    <message>
        <source>Publishes allowed in a burst (default: twice the rate).</source>
        <translation>Publishes allowed in a burst (default: twice the rate).</translation>
    </message>
    <message>
        <source>Language of the console (e.g. zh_CN, en; default: the system's).</source>
        <translation>Language of the console (e.g. zh_CN, en; default: the system's).</translation>
    </message>
    <message>
        <source>Write the connection log to FILE when ssehub exits (.csv: CSV, otherwise JSON Lines).</source>
        <translation>Write the connection log to FILE when ssehub exits (.csv: CSV, otherwise JSON Lines).</translation>
    </message>
    <message>
        <source>Append the connection log to FILE as JSON Lines, rotated by size.</source>
        <translation>Append the connection log to FILE as JSON Lines, rotated by size.</translation>
    </message>
    <message>
        <source>Size at which --log-file is rotated (default 10M).</source>
        <translation>Size at which --log-file is rotated (default 10M).</translation>
    </message>
    <message>
        <source>Rotated log files kept (default 5).</source>
        <translation>Rotated log files kept (default 5).</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>unexpected argument: %1</translation>
    </message>
    <message>
        <source>a duration of at least 1ms, e.g. 30s or 500ms</source>
        <translation>a duration of at least 1ms, e.g. 30s or 500ms</translation>
    </message>
    <message>
        <source>a duration, e.g. 3000ms or 3s</source>
        <translation>a duration, e.g. 3000ms or 3s</translation>
    </message>
    <message>
        <source>a count from 0 to 10000000</source>
        <translation>a count from 0 to 10000000</translation>
    </message>
    <message>
        <source>a size from 1K to 4G, e.g. 1M</source>
        <translation>a size from 1K to 4G, e.g. 1M</translation>
    </message>
    <message>
        <source>a size from 256 to 64M</source>
        <translation>a size from 256 to 64M</translation>
    </message>
    <message>
        <source>a duration, e.g. 7d or 12h</source>
        <translation>a duration, e.g. 7d or 12h</translation>
    </message>
    <message>
        <source>the subscription durations must satisfy grace &lt;= archive-after &lt;= delete-after</source>
        <translation>the subscription durations must satisfy grace &lt;= archive-after &lt;= delete-after</translation>
    </message>
    <message>
        <source>a count from 0 (no limit) to 1000000</source>
        <translation>a count from 0 (no limit) to 1000000</translation>
    </message>
    <message>
        <source>a count from 1 to 1024</source>
        <translation>a count from 1 to 1024</translation>
    </message>
    <message>
        <source>a length from 1 to 256</source>
        <translation>a length from 1 to 256</translation>
    </message>
    <message>
        <source>a duration from 100ms to 1h</source>
        <translation>a duration from 100ms to 1h</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 30s</source>
        <translation>a duration up to 1h, e.g. 30s</translation>
    </message>
    <message>
        <source>a size of at least 4K, e.g. 10M</source>
        <translation>a size of at least 4K, e.g. 10M</translation>
    </message>
    <message>
        <source>a count from 1 to 1000</source>
        <translation>a count from 1 to 1000</translation>
    </message>
    <message>
        <source>cannot read the config file %1: %2</source>
        <translation>cannot read the config file %1: %2</translation>
    </message>
    <message>
        <source>%1 is not a JSON object: %2 (at byte %3)</source>
        <translation>%1 is not a JSON object: %2 (at byte %3)</translation>
    </message>
    <message>
        <source>expected { ... }</source>
        <translation>expected { ... }</translation>
    </message>
    <message>
        <source>%1: unknown key (see docs/CONFIG.md for the keys; they are the option names)</source>
        <translation>%1: unknown key (see docs/CONFIG.md for the keys; they are the option names)</translation>
    </message>
    <message>
        <source>%1 must be %2</source>
        <translation>%1 must be %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true or false</translation>
    </message>
    <message>
        <source>an array of strings</source>
        <translation>an array of strings</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>a number</translation>
    </message>
    <message>
        <source>a size (a number of bytes or a string such as "1M")</source>
        <translation>a size (a number of bytes or a string such as "1M")</translation>
    </message>
    <message>
        <source>a duration (seconds or a string such as "500ms")</source>
        <translation>a duration (seconds or a string such as "500ms")</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>a string</translation>
    </message>
    <message>
        <source>%1 takes 1 or 0, not '%2'</source>
        <translation>%1 takes 1 or 0, not '%2'</translation>
    </message>
    <message>
        <source>Read settings from this JSON file (default: ~/.config/ssehub/ssehub.json if it exists). Environment variables SSEHUB_&lt;OPTION&gt; override it, options override both.</source>
        <translation>Read settings from this JSON file (default: ~/.config/ssehub/ssehub.json if it exists). Environment variables SSEHUB_&lt;OPTION&gt; override it, options override both.</translation>
    </message>
    <message>
        <source>Print the effective configuration (secrets masked) and exit.</source>
        <translation>Print the effective configuration (secrets masked) and exit.</translation>
    </message>
    <message>
        <source>Log lines as 'text' (default) or 'json' (JSON Lines).</source>
        <translation>Log lines as 'text' (default) or 'json' (JSON Lines).</translation>
    </message>
    <message>
        <source>Lowest level logged: debug, info (default), warning or error.</source>
        <translation>Lowest level logged: debug, info (default), warning or error.</translation>
    </message>
    <message>
        <source>Count events per topic in GET /metrics for these topics (repeatable; default none).</source>
        <translation>Count events per topic in GET /metrics for these topics (repeatable; default none).</translation>
    </message>
    <message>
        <source>On shutdown, time given to streams to take what is queued for them before they are closed (default 5s).</source>
        <translation>On shutdown, time given to streams to take what is queued for them before they are closed (default 5s).</translation>
    </message>
    <message>
        <source>%1 takes text or json, not '%2'</source>
        <translation>%1 takes text or json, not '%2'</translation>
    </message>
    <message>
        <source>%1 takes debug, info, warning or error, not '%2'</source>
        <translation>%1 takes debug, info, warning or error, not '%2'</translation>
    </message>
    <message>
        <source>%1 takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%2'</source>
        <translation>%1 takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%2'</translation>
    </message>
    <message>
        <source>%1 takes %2, not '%3'</source>
        <translation>%1 takes %2, not '%3'</translation>
    </message>
    <message>
        <source>%1 takes a cookie name, not '%2'</source>
        <translation>%1 takes a cookie name, not '%2'</translation>
    </message>
    <message>
        <source>a duration up to 10m, e.g. 5s</source>
        <translation>a duration up to 10m, e.g. 5s</translation>
    </message>
    <message>
        <source>A host name requests may use besides the listen address and localhost (repeatable; '*' turns the check off).</source>
        <translation>A host name requests may use besides the listen address and localhost (repeatable; '*' turns the check off).</translation>
    </message>
    <message>
        <source>Memory the replay history may hold; the oldest events go first (default 64M; 0 disables replay).</source>
        <translation>Memory the replay history may hold; the oldest events go first (default 64M; 0 disables replay).</translation>
    </message>
    <message>
        <source>Accept tokens that never expire (no exp, or exp 0); by default they are refused.</source>
        <translation>Accept tokens that never expire (no exp, or exp 0); by default they are refused.</translation>
    </message>
    <message>
        <source>a size from 0 to 1024G, e.g. 64M</source>
        <translation>a size from 0 to 1024G, e.g. 64M</translation>
    </message>
    <message>
        <source>Clients the hub knows at once, named or not (default 100000; 0: no limit).</source>
        <translation>Clients the hub knows at once, named or not (default 100000; 0: no limit).</translation>
    </message>
    <message>
        <source>Active subscriptions of all clients together (default 1000000; 0: no limit).</source>
        <translation>Active subscriptions of all clients together (default 1000000; 0: no limit).</translation>
    </message>
    <message>
        <source>Open the console attached to the ssehub running at URL (http:// or https://) instead of starting an engine.</source>
        <translation>Open the console attached to the ssehub running at URL (http:// or https://) instead of starting an engine.</translation>
    </message>
    <message>
        <source>With --connect: an admin token (JWT) for the server, read from FILE.</source>
        <translation>With --connect: an admin token (JWT) for the server, read from FILE.</translation>
    </message>
    <message>
        <source>With --connect: a PEM CA certificate that signed the server's certificate (added to the system's).</source>
        <translation>With --connect: a PEM CA certificate that signed the server's certificate (added to the system's).</translation>
    </message>
    <message>
        <source>With --connect: a PEM client certificate, for a server that asks for one (with --client-key).</source>
        <translation>With --connect: a PEM client certificate, for a server that asks for one (with --client-key).</translation>
    </message>
    <message>
        <source>With --connect: the unencrypted PEM key of --client-cert.</source>
        <translation>With --connect: the unencrypted PEM key of --client-cert.</translation>
    </message>
    <message>
        <source>--%1 is for the console attached with --connect URL</source>
        <translation>--%1 is for the console attached with --connect URL</translation>
    </message>
    <message>
        <source>--connect opens the console; it cannot be combined with --headless</source>
        <translation>--connect opens the console; it cannot be combined with --headless</translation>
    </message>
    <message>
        <source>--connect takes an http:// or https:// URL, not '%1'</source>
        <translation>--connect takes an http:// or https:// URL, not '%1'</translation>
    </message>
    <message>
        <source>--client-cert and --client-key go together</source>
        <translation>--client-cert and --client-key go together</translation>
    </message>
    <message>
        <source>%1 must be an http:// or https:// URL with a host and without credentials, query or fragment, not '%2'</source>
        <translation>%1 must be an http:// or https:// URL with a host and without credentials, query or fragment, not '%2'</translation>
    </message>
    <message>
        <source>Accept tokens signed with the private key of this PEM public key: RSA (RS256-512, PS256-512), EC P-256/P-384 (ES256/384) or Ed25519 (EdDSA) (repeatable).</source>
        <translation>Accept tokens signed with the private key of this PEM public key: RSA (RS256-512, PS256-512), EC P-256/P-384 (ES256/384) or Ed25519 (EdDSA) (repeatable).</translation>
    </message>
    <message>
        <source>Accept tokens signed with the keys of this JWKS document (an identity provider's jwks_uri), fetched at start and refreshed as its Cache-Control says.</source>
        <translation>Accept tokens signed with the keys of this JWKS document (an identity provider's jwks_uri), fetched at start and refreshed as its Cache-Control says.</translation>
    </message>
    <message>
        <source>Shortest time between two fetches of the JWKS, also when tokens name unknown keys (default 30s).</source>
        <translation>Shortest time between two fetches of the JWKS, also when tokens name unknown keys (default 30s).</translation>
    </message>
    <message>
        <source>a duration from 1s to 24h, e.g. 30s</source>
        <translation>a duration from 1s to 24h, e.g. 30s</translation>
    </message>
    <message>
        <source>Longest time a fetched JWKS is kept before it is fetched again, whatever its max-age (default 1h).</source>
        <translation>Longest time a fetched JWKS is kept before it is fetched again, whatever its max-age (default 1h).</translation>
    </message>
    <message>
        <source>a duration from 1s to 7d, e.g. 1h</source>
        <translation>a duration from 1s to 7d, e.g. 1h</translation>
    </message>
    <message>
        <source>Accept only tokens whose iss is exactly ISSUER (default: any).</source>
        <translation>Accept only tokens whose iss is exactly ISSUER (default: any).</translation>
    </message>
    <message>
        <source>Accept only tokens whose aud names AUDIENCE (repeatable: any of them; default: any).</source>
        <translation>Accept only tokens whose aud names AUDIENCE (repeatable: any of them; default: any).</translation>
    </message>
    <message>
        <source>%1 must be an http:// or https:// URL with a host and without credentials or fragment, not '%2'</source>
        <translation>%1 must be an http:// or https:// URL with a host and without credentials or fragment, not '%2'</translation>
    </message>
    <message>
        <source>Ask this backend URL (a JSON POST) whether a stream, subscription or publish without a token may go ahead (cookie sessions).</source>
        <translation>Ask this backend URL (a JSON POST) whether a stream, subscription or publish without a token may go ahead (cookie sessions).</translation>
    </message>
    <message>
        <source>How long the auth hook may take before the request is refused with 503 (default 2s).</source>
        <translation>How long the auth hook may take before the request is refused with 503 (default 2s).</translation>
    </message>
    <message>
        <source>a duration from 100ms to 30s, e.g. 2s</source>
        <translation>a duration from 100ms to 30s, e.g. 2s</translation>
    </message>
    <message>
        <source>The longest an auth hook answer is remembered, whatever its max-age (default 1m; 0: never).</source>
        <translation>The longest an auth hook answer is remembered, whatever its max-age (default 1m; 0: never).</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 1m</source>
        <translation>a duration up to 1h, e.g. 1m</translation>
    </message>
    <message>
        <source>Also ask the auth hook about tokens that do not verify here, instead of refusing them with 401.</source>
        <translation>Also ask the auth hook about tokens that do not verify here, instead of refusing them with 401.</translation>
    </message>
    <message>
        <source>Publish join and leave events on $SYS/presence/&lt;topic&gt; for subscriptions to topics this filter matches (repeatable, e.g. chat/#; default none).</source>
        <translation>Publish join and leave events on $SYS/presence/&lt;topic&gt; for subscriptions to topics this filter matches (repeatable, e.g. chat/#; default none).</translation>
    </message>
    <message>
        <source>Publish the hub's figures on $SYS/hub/nodes/&lt;node&gt; this often (default 5s; 0 turns them off).</source>
        <translation>Publish the hub's figures on $SYS/hub/nodes/&lt;node&gt; this often (default 5s; 0 turns them off).</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 5s; 0 for none</source>
        <translation>a duration up to 1h, e.g. 5s; 0 for none</translation>
    </message>
    <message>
        <source>Events published longer ago than this leave the replay history (default 0: no age limit; e.g. 1h, 7d).</source>
        <translation>Events published longer ago than this leave the replay history (default 0: no age limit; e.g. 1h, 7d).</translation>
    </message>
    <message>
        <source>a duration, e.g. 1h or 7d (0: no age limit)</source>
        <translation>a duration, e.g. 1h or 7d (0: no age limit)</translation>
    </message>
    <message>
        <source>Presence events published per second at most; those beyond are dropped and counted (default 1000; 0: no bound).</source>
        <translation>Presence events published per second at most; those beyond are dropped and counted (default 1000; 0: no bound).</translation>
    </message>
    <message>
        <source>a count from 0 to 1000000</source>
        <translation>a count from 0 to 1000000</translation>
    </message>
    <message>
        <source>GET /presence: clients looked at per second, all questions together; beyond it questions get 503 (default 200000; 0: no bound).</source>
        <translation>GET /presence: clients looked at per second, all questions together; beyond it questions get 503 (default 200000; 0: no bound).</translation>
    </message>
    <message>
        <source>a count from 0 to 1000000000</source>
        <translation>a count from 0 to 1000000000</translation>
    </message>
    <message>
        <source>%1 takes HOST:PORT, e.g. 10.0.0.5:26379, not '%2'</source>
        <translation>%1 takes HOST:PORT, e.g. 10.0.0.5:26379, not '%2'</translation>
    </message>
    <message>
        <source>%1 takes 1 to 64 characters without spaces, glob characters (*?[]\) or braces, not '%2'</source>
        <translation>%1 takes 1 to 64 characters without spaces, glob characters (*?[]\) or braces, not '%2'</translation>
    </message>
</context>
<context>
    <name>ssehub::ClientsModel</name>
    <message>
        <source>%1 (%2 paused)</source>
        <translation>%1 (%2 paused)</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>now</source>
        <translation>now</translation>
    </message>
    <message>
        <source>No stream of this client since the server started.</source>
        <translation>No stream of this client since the server started.</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>stored</translation>
    </message>
    <message>
        <source>anonymous</source>
        <translation>anonymous</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Addresses</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Subscriptions</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Last seen</translation>
    </message>
    <message>
        <source>Acked cursor</source>
        <translation>Acked cursor</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
</context>
<context>
    <name>ssehub::ClientsView</name>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>paused</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archived</translation>
    </message>
    <message>
        <source>Search client id, address, filter…</source>
        <translation>Search client id, address, filter…</translation>
    </message>
    <message>
        <source>Online and offline</source>
        <translation>Online and offline</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Pause all subscriptions</source>
        <translation>Pause all subscriptions</translation>
    </message>
    <message>
        <source>Resume all subscriptions</source>
        <translation>Resume all subscriptions</translation>
    </message>
    <message>
        <source>Copy client id</source>
        <translation>Copy client id</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Expires</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Expire…</source>
        <translation>Expire…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>Clients not read: %1</source>
        <translation>Clients not read: %1</translation>
    </message>
    <message>
        <source>0 of %1 shown</source>
        <translation>0 of %1 shown</translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 of %2 shown</translation>
    </message>
    <message>
        <source>%1-%2 of %3 shown (%4 known)</source>
        <translation>%1-%2 of %3 shown (%4 known)</translation>
    </message>
    <message>
        <source>Cluster: every stored client of the cluster; streams, addresses and last seen are those of node %1.</source>
        <translation>Cluster: every stored client of the cluster; streams, addresses and last seen are those of node %1.</translation>
    </message>
    <message>
        <source>Select a client to see its subscriptions.</source>
        <translation>Select a client to see its subscriptions.</translation>
    </message>
    <message numerus="yes">
        <source>Client %1: online, %n stream(s)</source>
        <translation><numerusform>Client %1: online, %n stream</numerusform><numerusform>Client %1: online, %n streams</numerusform></translation>
    </message>
    <message>
        <source>Client %1: offline</source>
        <translation>Client %1: offline</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>from %1</translation>
    </message>
    <message>
        <source>last seen %1</source>
        <translation>last seen %1</translation>
    </message>
    <message>
        <source>not since the server started</source>
        <translation>not since the server started</translation>
    </message>
    <message>
        <source>acked cursor %1</source>
        <translation>acked cursor %1</translation>
    </message>
    <message>
        <source>no acked cursor</source>
        <translation>no acked cursor</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>stored</translation>
    </message>
    <message>
        <source>anonymous (forgotten with its last stream)</source>
        <translation>anonymous (forgotten with its last stream)</translation>
    </message>
    <message>
        <source>%1 of %2 subscriptions shown</source>
        <translation>%1 of %2 subscriptions shown</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Expire subscription</source>
        <translation>Expire subscription</translation>
    </message>
    <message>
        <source>Delete subscription</source>
        <translation>Delete subscription</translation>
    </message>
    <message>
        <source>Expire</source>
        <translation>Expire</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Expire subscription %1 of client %2 now?</source>
        <translation>Expire subscription %1 of client %2 now?</translation>
    </message>
    <message>
        <source>Its streams stop receiving it; it can be renewed within the grace period.</source>
        <translation>Its streams stop receiving it; it can be renewed within the grace period.</translation>
    </message>
    <message>
        <source>Delete subscription %1 of client %2?</source>
        <translation>Delete subscription %1 of client %2?</translation>
    </message>
    <message>
        <source>Its streams stop receiving it at once, and it is gone for good.</source>
        <translation>Its streams stop receiving it at once, and it is gone for good.</translation>
    </message>
</context>
<context>
    <name>ssehub::ClusterView</name>
    <message>
        <source>Cluster mode is off: this instance uses the embedded broker. Set a Redis URL in Settings (or start with --redis) to share events with other instances.</source>
        <translation>Cluster mode is off: this instance uses the embedded broker. Set a Redis URL in Settings (or start with --redis) to share events with other instances.</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s) registered in Redis.</source>
        <translation><numerusform>%n instance registered in Redis.</numerusform><numerusform>%n instances registered in Redis.</numerusform></translation>
    </message>
    <message>
        <source>The first %1 by id are listed.</source>
        <translation>The first %1 by id are listed.</translation>
    </message>
    <message numerus="yes">
        <source>The console reads the feed of each node at the admin URL it advertises: %n live</source>
        <translation><numerusform>The console reads the feed of each node at the admin URL it advertises: %n live</numerusform><numerusform>The console reads the feed of each node at the admin URL it advertises: %n live</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>, %n not reachable (their streams and log are not shown)</source>
        <translation><numerusform>, %n not reachable (their streams and log are not shown)</numerusform><numerusform>, %n not reachable (their streams and log are not shown)</numerusform></translation>
    </message>
    <message>
        <source>It follows at most %1 nodes; the others are not shown.</source>
        <translation>It follows at most %1 nodes; the others are not shown.</translation>
    </message>
</context>
<context>
    <name>ssehub::Confirmation</name>
    <message>
        <source>Reason (optional; the clients and the log see it):</source>
        <translation>Reason (optional; the clients and the log see it):</translation>
    </message>
    <message>
        <source>e.g. maintenance, misbehaving client</source>
        <translation>e.g. maintenance, misbehaving client</translation>
    </message>
    <message>
        <source>Don't ask again this session</source>
        <translation>Don't ask again this session</translation>
    </message>
    <message>
        <source>Too long: at most %1 bytes of UTF-8 (%2 now).</source>
        <translation>Too long: at most %1 bytes of UTF-8 (%2 now).</translation>
    </message>
    <message>
        <source>The reason holds characters that cannot be sent.</source>
        <translation>The reason holds characters that cannot be sent.</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectDialog</name>
    <message>
        <source>Connect to server</source>
        <translation>Connect to server</translation>
    </message>
    <message>
        <source>http://127.0.0.1:8080 or https://hub.example:8443</source>
        <translation>http://127.0.0.1:8080 or https://hub.example:8443</translation>
    </message>
    <message>
        <source>or paste a token: kept for this session only</source>
        <translation>or paste a token: kept for this session only</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>Server URL:</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM files (*.pem *.crt *.key);;All files (*)</translation>
    </message>
    <message>
        <source>Admin token file:</source>
        <translation>Admin token file:</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>CA certificate (self-signed server):</source>
        <translation>CA certificate (self-signed server):</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>Client certificate:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>Client key:</translation>
    </message>
    <message>
        <source>The console remembers the server's URL and the paths of these files, never a token.</source>
        <translation>The console remembers the server's URL and the paths of these files, never a token.</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectGuide</name>
    <message>
        <source>Connect a first client</source>
        <translation>Connect a first client</translation>
    </message>
    <message>
        <source>In a web page:</source>
        <translation>In a web page:</translation>
    </message>
    <message>
        <source>Subscribe from a shell:</source>
        <translation>Subscribe from a shell:</translation>
    </message>
    <message>
        <source>Publish an event:</source>
        <translation>Publish an event:</translation>
    </message>
    <message>
        <source>Open the demo page</source>
        <translation>Open the demo page</translation>
    </message>
    <message>
        <source>A page served by this hub that subscribes and publishes</source>
        <translation>A page served by this hub that subscribes and publishes</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>No client is connected yet. Clients subscribe with Server-Sent Events at %1/events and publish with POST %1/publish:</source>
        <translation>No client is connected yet. Clients subscribe with Server-Sent Events at %1/events and publish with POST %1/publish:</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectionsModel</name>
    <message>
        <source>replaying</source>
        <translation>replaying</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>slow</translation>
    </message>
    <message>
        <source>closing</source>
        <translation>closing</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>healthy</translation>
    </message>
    <message>
        <source>late</source>
        <translation>late</translation>
    </message>
    <message numerus="yes">
        <source>%1 (+%n paused)</source>
        <translation><numerusform>%1 (+%n paused)</numerusform><numerusform>%1 (+%n paused)</numerusform></translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>Client id</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User agent</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filters</translation>
    </message>
    <message>
        <source>Last write</source>
        <translation>Last write</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Heartbeat</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message numerus="yes">
        <source>(%n paused)</source>
        <translation><numerusform>(%n paused)</numerusform><numerusform>(%n paused)</numerusform></translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>stalled</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>paused</translation>
    </message>
    <message>
        <source>The stream's number on its server</source>
        <translation>The stream's number on its server</translation>
    </message>
    <message>
        <source>The peer's address and port</source>
        <translation>The peer's address and port</translation>
    </message>
    <message>
        <source>When the stream connected (the date only when not today)</source>
        <translation>When the stream connected (the date only when not today)</translation>
    </message>
    <message>
        <source>Events sent to the stream</source>
        <translation>Events sent to the stream</translation>
    </message>
    <message>
        <source>Bytes sent to the stream</source>
        <translation>Bytes sent to the stream</translation>
    </message>
    <message>
        <source>Bytes waiting in the stream's own queue (amber from a quarter of the queue limit, red from three quarters)</source>
        <translation>Bytes waiting in the stream's own queue (amber from a quarter of the queue limit, red from three quarters)</translation>
    </message>
    <message>
        <source>Time since the kernel last took bytes for the stream (data or ping)</source>
        <translation>Time since the kernel last took bytes for the stream (data or ping)</translation>
    </message>
    <message>
        <source>Late after 1.5 heartbeat intervals without a write, stalled after three</source>
        <translation>Late after 1.5 heartbeat intervals without a write, stalled after three</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Queued</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectionsView</name>
    <message>
        <source>Filter by client id, address, user agent, topic…</source>
        <translation>Filter by client id, address, user agent, topic…</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Disconnect</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation>Copy id</translation>
    </message>
    <message>
        <source>Select a stream to see its subscriptions and last events.</source>
        <translation>Select a stream to see its subscriptions and last events.</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Expires</translation>
    </message>
    <message>
        <source>Stream %1 has ended.</source>
        <translation>Stream %1 has ended.</translation>
    </message>
    <message>
        <source>Stream %1 of client %2</source>
        <translation>Stream %1 of client %2</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>No recent events for this stream.</source>
        <translation>No recent events for this stream.</translation>
    </message>
    <message>
        <source>Stream %1: %2</source>
        <translation>Stream %1: %2</translation>
    </message>
    <message>
        <source>Stream %1 of client %2 on node %3</source>
        <translation>Stream %1 of client %2 on node %3</translation>
    </message>
    <message>
        <source>End the selected streams (asks first; Ctrl or Shift selects several)</source>
        <translation>End the selected streams (asks first; Ctrl or Shift selects several)</translation>
    </message>
    <message>
        <source>Disconnect streams</source>
        <translation>Disconnect streams</translation>
    </message>
    <message>
        <source>Disconnect stream %1 of client %2?</source>
        <translation>Disconnect stream %1 of client %2?</translation>
    </message>
    <message numerus="yes">
        <source>Disconnect %n selected stream(s)?</source>
        <translation><numerusform>Disconnect %n selected stream?</numerusform><numerusform>Disconnect %n selected streams?</numerusform></translation>
    </message>
    <message>
        <source>Each client reads the reason in an `event: disconnect`, then its stream ends. Browsers reconnect after their retry time; to keep a client away, pause its subscriptions or change the access rules.</source>
        <translation>Each client reads the reason in an `event: disconnect`, then its stream ends. Browsers reconnect after their retry time; to keep a client away, pause its subscriptions or change the access rules.</translation>
    </message>
    <message numerus="yes">
        <source>Disconnect %n stream(s)</source>
        <translation><numerusform>Disconnect %n stream</numerusform><numerusform>Disconnect %n streams</numerusform></translation>
    </message>
    <message>
        <source>Pause subscriptions</source>
        <translation>Pause subscriptions</translation>
    </message>
    <message>
        <source>Resume subscriptions</source>
        <translation>Resume subscriptions</translation>
    </message>
    <message numerus="yes">
        <source>Pause the clients of %n selected stream(s)?</source>
        <translation><numerusform>Pause the clients of %n selected stream?</numerusform><numerusform>Pause the clients of %n selected streams?</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Resume the clients of %n selected stream(s)?</source>
        <translation><numerusform>Resume the clients of %n selected stream?</numerusform><numerusform>Resume the clients of %n selected streams?</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Every subscription of %n client(s) is paused: their streams stay open but receive no events until resumed.</source>
        <translation><numerusform>Every subscription of %n client is paused: their streams stay open but receive no events until resumed.</numerusform><numerusform>Every subscription of %n clients is paused: their streams stay open but receive no events until resumed.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Every subscription of %n client(s) is active again; events published meanwhile are not replayed.</source>
        <translation><numerusform>Every subscription of %n client is active again; events published meanwhile are not replayed.</numerusform><numerusform>Every subscription of %n clients is active again; events published meanwhile are not replayed.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Pause %n client(s)</source>
        <translation><numerusform>Pause %n client</numerusform><numerusform>Pause %n clients</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Resume %n client(s)</source>
        <translation><numerusform>Resume %n client</numerusform><numerusform>Resume %n clients</numerusform></translation>
    </message>
</context>
<context>
    <name>ssehub::ConsoleSettings</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>cannot read %1: %2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB</source>
        <translation>%1 is larger than 1 MiB</translation>
    </message>
    <message>
        <source>%1 is not a JSON object</source>
        <translation>%1 is not a JSON object</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>cannot write %1: %2</translation>
    </message>
    <message>
        <source>%1 cannot be written</source>
        <translation>%1 cannot be written</translation>
    </message>
    <message>
        <source>%1 cannot be created (%2 is not a writable directory)</source>
        <translation>%1 cannot be created (%2 is not a writable directory)</translation>
    </message>
</context>
<context>
    <name>ssehub::EngineController</name>
    <message>
        <source>Stream %1 disconnected.</source>
        <translation>Stream %1 disconnected.</translation>
    </message>
    <message>
        <source>Stream %1 had already ended.</source>
        <translation>Stream %1 had already ended.</translation>
    </message>
    <message>
        <source>Subscriptions of %1 paused.</source>
        <translation>Subscriptions of %1 paused.</translation>
    </message>
    <message>
        <source>Subscriptions of %1 resumed.</source>
        <translation>Subscriptions of %1 resumed.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Tailing %1</source>
        <translation>Tailing %1</translation>
    </message>
    <message>
        <source>Cannot tail: %1</source>
        <translation>Cannot tail: %1</translation>
    </message>
    <message numerus="yes">
        <source>Published event %1 to %n stream(s).</source>
        <translation><numerusform>Published event %1 to %n stream.</numerusform><numerusform>Published event %1 to %n streams.</numerusform></translation>
    </message>
    <message>
        <source>Not published: %1</source>
        <translation>Not published: %1</translation>
    </message>
    <message>
        <source>Reload failed: %1</source>
        <translation>Reload failed: %1</translation>
    </message>
    <message>
        <source>Stream %1 not disconnected: %2</source>
        <translation>Stream %1 not disconnected: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s) disconnected.</source>
        <translation><numerusform>%n stream disconnected.</numerusform><numerusform>%n streams disconnected.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n had already ended.</source>
        <translation><numerusform>%n had already ended.</numerusform><numerusform>%n had already ended.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n not disconnected: %1</source>
        <translation><numerusform>%n not disconnected: %1</numerusform><numerusform>%n not disconnected: %1</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Subscriptions of %n client(s) paused.</source>
        <translation><numerusform>Subscriptions of %n client paused.</numerusform><numerusform>Subscriptions of %n clients paused.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Subscriptions of %n client(s) resumed.</source>
        <translation><numerusform>Subscriptions of %n client resumed.</numerusform><numerusform>Subscriptions of %n clients resumed.</numerusform></translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 paused.</source>
        <translation>Subscription %1 of %2 paused.</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 resumed.</source>
        <translation>Subscription %1 of %2 resumed.</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 expired.</source>
        <translation>Subscription %1 of %2 expired.</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 deleted.</source>
        <translation>Subscription %1 of %2 deleted.</translation>
    </message>
</context>
<context>
    <name>ssehub::FeedConnection</name>
    <message>
        <source>the server answered HTTP %1</source>
        <translation>the server answered HTTP %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>%1 answers, but not with a console feed (is it an ssehub?)</source>
        <translation>%1 answers, but not with a console feed (is it an ssehub?)</translation>
    </message>
    <message>
        <source>an event it could not read</source>
        <translation>an event it could not read</translation>
    </message>
    <message>
        <source>the feed could not be read (%1); starting over</source>
        <translation>the feed could not be read (%1); starting over</translation>
    </message>
    <message>
        <source>the server sent an event larger than %1 MiB</source>
        <translation>the server sent an event larger than %1 MiB</translation>
    </message>
    <message>
        <source>The server refused the token: %1</source>
        <translation>The server refused the token: %1</translation>
    </message>
    <message>
        <source>The server asks for an admin token: %1. Give one in File &gt; Connect to server…</source>
        <translation>The server asks for an admin token: %1. Give one in File &gt; Connect to server…</translation>
    </message>
    <message>
        <source>The server refused these credentials: %1</source>
        <translation>The server refused these credentials: %1</translation>
    </message>
    <message>
        <source>the server answered the feed with %1</source>
        <translation>the server answered the feed with %1</translation>
    </message>
    <message>
        <source>the server closed the feed</source>
        <translation>the server closed the feed</translation>
    </message>
    <message>
        <source>nothing came from the server for %1 s</source>
        <translation>nothing came from the server for %1 s</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2</source>
        <translation>Cannot reach %1: %2</translation>
    </message>
    <message>
        <source>the answer was larger than %1 MiB</source>
        <translation>the answer was larger than %1 MiB</translation>
    </message>
    <message>
        <source>no answer within %1 s</source>
        <translation>no answer within %1 s</translation>
    </message>
    <message>
        <source>replaced by a newer tail</source>
        <translation>replaced by a newer tail</translation>
    </message>
    <message>
        <source>not connected to the server</source>
        <translation>not connected to the server</translation>
    </message>
</context>
<context>
    <name>ssehub::HealthView</name>
    <message>
        <source>Reaped by the engine (dead)</source>
        <translation>Reaped by the engine (dead)</translation>
    </message>
    <message>
        <source>A stream is late (amber) after 1.5 heartbeat intervals without a successful write or ping, and stalled (red) after three: its peer is gone or reads slowly. The engine closes a stream as dead when its peer stops acknowledging altogether. Bytes queued turn amber at a quarter of the queue limit and red at three quarters: a peer that acknowledges but reads slowly is closed as a slow consumer when its queue passes the limit.</source>
        <translation>A stream is late (amber) after 1.5 heartbeat intervals without a successful write or ping, and stalled (red) after three: its peer is gone or reads slowly. The engine closes a stream as dead when its peer stops acknowledging altogether. Bytes queued turn amber at a quarter of the queue limit and red at three quarters: a peer that acknowledges but reads slowly is closed as a slow consumer when its queue passes the limit.</translation>
    </message>
    <message>
        <source>%1  stream %2  %3  %4</source>
        <translation>%1  stream %2  %3  %4</translation>
    </message>
    <message>
        <source>Only late or stalled</source>
        <translation>Only late or stalled</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; healthy · &lt;span style='color:%6'&gt;&lt;b&gt;%2&lt;/b&gt; late&lt;/span&gt; · &lt;span style='color:%7'&gt;&lt;b&gt;%3&lt;/b&gt; stalled&lt;/span&gt; · %4 reaped as dead since start · heartbeat every %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; healthy · &lt;span style='color:%6'&gt;&lt;b&gt;%2&lt;/b&gt; late&lt;/span&gt; · &lt;span style='color:%7'&gt;&lt;b&gt;%3&lt;/b&gt; stalled&lt;/span&gt; · %4 reaped as dead since start · heartbeat every %5</translation>
    </message>
</context>
<context>
    <name>ssehub::HistoryModel</name>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
</context>
<context>
    <name>ssehub::HistoryView</name>
    <message>
        <source>Topic or filter, e.g. sensor/+/data (empty: every topic)</source>
        <translation>Topic or filter, e.g. sensor/+/data (empty: every topic)</translation>
    </message>
    <message>
        <source>From: event id or time</source>
        <translation>From: event id or time</translation>
    </message>
    <message>
        <source>The first event to show: an event id, or a time such as 14:05, 14:05:30 or 2026-12-02 14:05:30 (local time)</source>
        <translation>The first event to show: an event id, or a time such as 14:05, 14:05:30 or 2026-12-02 14:05:30 (local time)</translation>
    </message>
    <message>
        <source>To: event id or time</source>
        <translation>To: event id or time</translation>
    </message>
    <message>
        <source>The last event to show: an event id (included), or a time (events published before it)</source>
        <translation>The last event to show: an event id (included), or a time (events published before it)</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Newest first</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>Oldest first</translation>
    </message>
    <message>
        <source> per page</source>
        <translation> per page</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Choose a topic filter and press Show.</source>
        <translation>Choose a topic filter and press Show.</translation>
    </message>
    <message>
        <source>Newer</source>
        <translation>Newer</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Older</translation>
    </message>
    <message>
        <source>Select an event to see its payload.</source>
        <translation>Select an event to see its payload.</translation>
    </message>
    <message>
        <source>A filter has at most %1 bytes.</source>
        <translation>A filter has at most %1 bytes.</translation>
    </message>
    <message>
        <source>A filter has no control characters.</source>
        <translation>A filter has no control characters.</translation>
    </message>
    <message>
        <source>'#' must be a whole level, and the last one (e.g. sensor/#).</source>
        <translation>'#' must be a whole level, and the last one (e.g. sensor/#).</translation>
    </message>
    <message>
        <source>'+' must be a whole level (e.g. sensor/+/data).</source>
        <translation>'+' must be a whole level (e.g. sensor/+/data).</translation>
    </message>
    <message>
        <source>From must be an event id or a time such as 14:05:30.</source>
        <translation>From must be an event id or a time such as 14:05:30.</translation>
    </message>
    <message>
        <source>To must be an event id or a time such as 14:05:30.</source>
        <translation>To must be an event id or a time such as 14:05:30.</translation>
    </message>
    <message>
        <source>The server refused the query: %1</source>
        <translation>The server refused the query: %1</translation>
    </message>
    <message>
        <source>No older events match.</source>
        <translation>No older events match.</translation>
    </message>
    <message>
        <source>No newer events match (yet).</source>
        <translation>No newer events match (yet).</translation>
    </message>
    <message>
        <source>This page ends early: it holds %1 of events at most.</source>
        <translation>This page ends early: it holds %1 of events at most.</translation>
    </message>
    <message>
        <source>The history is empty (it keeps up to %1 events and %2).</source>
        <translation>The history is empty (it keeps up to %1 events and %2).</translation>
    </message>
    <message>
        <source>Oldest retained event: %1 · the history holds %2 of %3 events and %4 of %5.</source>
        <translation>Oldest retained event: %1 · the history holds %2 of %3 events and %4 of %5.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) on this page.</source>
        <translation><numerusform>%n event on this page.</numerusform><numerusform>%n events on this page.</numerusform></translation>
    </message>
    <message>
        <source>Cluster mode: the events this server received for its own streams, not the whole cluster's history.</source>
        <translation>Cluster mode: the events this server received for its own streams, not the whole cluster's history.</translation>
    </message>
</context>
<context>
    <name>ssehub::LinkBanner</name>
    <message>
        <source>Reconnect now</source>
        <translation>Reconnect now</translation>
    </message>
    <message>
        <source>Connect…</source>
        <translation>Connect…</translation>
    </message>
    <message>
        <source>Attach to the running server</source>
        <translation>Attach to the running server</translation>
    </message>
    <message>
        <source>An ssehub is already running at %1, on the port the embedded server wants. Attach the console to it, or give the embedded server another port in Server &gt; Settings.</source>
        <translation>An ssehub is already running at %1, on the port the embedded server wants. Attach the console to it, or give the embedded server another port in Server &gt; Settings.</translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s</source>
        <translation><numerusform>reconnecting in %n s</numerusform><numerusform>reconnecting in %n s</numerusform></translation>
    </message>
    <message>
        <source>reconnecting now</source>
        <translation>reconnecting now</translation>
    </message>
    <message>
        <source>Connection to %1 lost at %2 (%3) - showing data from then; %4.</source>
        <translation>Connection to %1 lost at %2 (%3) - showing data from then; %4.</translation>
    </message>
    <message>
        <source>%1 - %2. Connect with other credentials, or wait: the console asks again every minute.</source>
        <translation>%1 - %2. Connect with other credentials, or wait: the console asks again every minute.</translation>
    </message>
    <message>
        <source>%1 - %2.</source>
        <translation>%1 - %2.</translation>
    </message>
</context>
<context>
    <name>ssehub::LocalLink</name>
    <message>
        <source>The embedded server is stopped.</source>
        <translation>The embedded server is stopped.</translation>
    </message>
</context>
<context>
    <name>ssehub::LogModel</name>
    <message>
        <source>connect</source>
        <translation>connect</translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation>disconnect</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>slow consumer</translation>
    </message>
    <message>
        <source>kick</source>
        <translation>kick</translation>
    </message>
    <message>
        <source>subscribe</source>
        <translation>subscribe</translation>
    </message>
    <message>
        <source>unsubscribe</source>
        <translation>unsubscribe</translation>
    </message>
    <message>
        <source>lifecycle</source>
        <translation>lifecycle</translation>
    </message>
    <message>
        <source>auth failure</source>
        <translation>auth failure</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>Client id</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Remote address</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>broker</source>
        <translation>broker</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>engine</source>
        <translation>engine</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>alarm</translation>
    </message>
    <message>
        <source>%1
User agent: %2</source>
        <translation>%1
User agent: %2</translation>
    </message>
</context>
<context>
    <name>ssehub::LogView</name>
    <message>
        <source>All kinds</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Any time</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>Last 5 minutes</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>Last 15 minutes</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Last hour</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Last 24 hours</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message numerus="yes">
        <source>This log is incomplete: %n entry(s) from the outage that began at %1 are missing (the server no longer held them when the console reconnected). The server's log file or GET /log may still have them.</source>
        <translation><numerusform>This log is incomplete: %n entry from the outage that began at %1 are missing (the server no longer held them when the console reconnected). The server's log file or GET /log may still have them.</numerusform><numerusform>This log is incomplete: %n entries from the outage that began at %1 are missing (the server no longer held them when the console reconnected). The server's log file or GET /log may still have them.</numerusform></translation>
    </message>
    <message>
        <source>Search client id, address, reason, filter, detail…</source>
        <translation>Search client id, address, reason, filter, detail…</translation>
    </message>
    <message numerus="yes">
        <source>%n kind(s)</source>
        <translation><numerusform>%n kind</numerusform><numerusform>%n kinds</numerusform></translation>
    </message>
    <message>
        <source>Kinds shown: %1</source>
        <translation>Kinds shown: %1</translation>
    </message>
    <message>
        <source>Exporting %1 of %2 entries (filtered)</source>
        <translation>Exporting %1 of %2 entries (filtered)</translation>
    </message>
    <message>
        <source>Exporting all %1 entries</source>
        <translation>Exporting all %1 entries</translation>
    </message>
</context>
<context>
    <name>ssehub::MainWindow</name>
    <message>
        <source>ssehub console</source>
        <translation>ssehub console</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Heartbeat</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Charts</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation>Stop server</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Export connection log…</source>
        <translation>&amp;Export connection log…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>Start server</source>
        <translation>Start server</translation>
    </message>
    <message>
        <source>Open &amp;demo page in the browser</source>
        <translation>Open &amp;demo page in the browser</translation>
    </message>
    <message>
        <source>&amp;Publish test event…</source>
        <translation>&amp;Publish test event…</translation>
    </message>
    <message>
        <source>&amp;Reload access rules</source>
        <translation>&amp;Reload access rules</translation>
    </message>
    <message>
        <source>Read the ACL and token secret files again; live subscriptions that are no longer allowed are removed</source>
        <translation>Read the ACL and token secret files again; live subscriptions that are no longer allowed are removed</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About ssehub</source>
        <translation>&amp;About ssehub</translation>
    </message>
    <message>
        <source>About ssehub</source>
        <translation>About ssehub</translation>
    </message>
    <message>
        <source>ssehub %1
Server-Sent Events hub with a monitoring console.</source>
        <translation>ssehub %1
Server-Sent Events hub with a monitoring console.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <source>The server did not start: %1. Change the settings (Server &gt; Settings) and start it again.</source>
        <translation>The server did not start: %1. Change the settings (Server &gt; Settings) and start it again.</translation>
    </message>
    <message>
        <source>Server stopped</source>
        <translation>Server stopped</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Listening on %1</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>stopped</translation>
    </message>
    <message>
        <source>Server stopped; every stream was closed.</source>
        <translation>Server stopped; every stream was closed.</translation>
    </message>
    <message numerus="yes">
        <source>Engine restarted with the new settings on %1; %n stream(s) were closed and reconnect.</source>
        <translation><numerusform>Engine restarted with the new settings on %1; %n stream was closed and reconnects.</numerusform><numerusform>Engine restarted with the new settings on %1; %n streams were closed and reconnect.</numerusform></translation>
    </message>
    <message>
        <source>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check that redis-server runs at %2.</source>
        <translation>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check that redis-server runs at %2.</translation>
    </message>
    <message>
        <source>Broker: %1</source>
        <translation>Broker: %1</translation>
    </message>
    <message>
        <source>Broker: %1 - events refused</source>
        <translation>Broker: %1 - events refused</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>Up %1</translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s)</source>
        <translation><numerusform>%n stream</numerusform><numerusform>%n streams</numerusform></translation>
    </message>
    <message>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation>CSV for spreadsheets (*.csv)</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n log entry(s) to %1.</source>
        <translation><numerusform>Exported %n log entry to %1.</numerusform><numerusform>Exported %n log entries to %1.</numerusform></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export failed</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Stopping…</translation>
    </message>
    <message numerus="yes">
        <source>Stopping: %n stream(s) get what is queued for them and a shutdown notice (at most %1 s)…</source>
        <translation><numerusform>Stopping: %n stream get what is queued for them and a shutdown notice (at most %1 s)…</numerusform><numerusform>Stopping: %n streams get what is queued for them and a shutdown notice (at most %1 s)…</numerusform></translation>
    </message>
    <message>
        <source>&amp;Connect to server…</source>
        <translation>&amp;Connect to server…</translation>
    </message>
    <message>
        <source>Watch an ssehub that runs elsewhere (a service, another machine)</source>
        <translation>Watch an ssehub that runs elsewhere (a service, another machine)</translation>
    </message>
    <message>
        <source>Use the &amp;embedded server</source>
        <translation>Use the &amp;embedded server</translation>
    </message>
    <message>
        <source>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check the server's Redis.</source>
        <translation>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check the server's Redis.</translation>
    </message>
    <message>
        <source>Cannot connect to %1: %2</source>
        <translation>Cannot connect to %1: %2</translation>
    </message>
    <message>
        <source>ssehub console - embedded server %1</source>
        <translation>ssehub console - embedded server %1</translation>
    </message>
    <message>
        <source>ssehub console - embedded server (stopped)</source>
        <translation>ssehub console - embedded server (stopped)</translation>
    </message>
    <message>
        <source>ssehub console - %1 (live)</source>
        <translation>ssehub console - %1 (live)</translation>
    </message>
    <message>
        <source>ssehub console - %1 (connection lost, reconnecting)</source>
        <translation>ssehub console - %1 (connection lost, reconnecting)</translation>
    </message>
    <message>
        <source>ssehub console - %1 (refused)</source>
        <translation>ssehub console - %1 (refused)</translation>
    </message>
    <message>
        <source>ssehub console - %1 (connecting)</source>
        <translation>ssehub console - %1 (connecting)</translation>
    </message>
    <message>
        <source>The console is attached to %1: start, stop and configure it where it runs (its configuration file, systemctl). File &gt; Use the embedded server goes back.</source>
        <translation>The console is attached to %1: start, stop and configure it where it runs (its configuration file, systemctl). File &gt; Use the embedded server goes back.</translation>
    </message>
    <message>
        <source>The embedded server's settings</source>
        <translation>The embedded server's settings</translation>
    </message>
    <message>
        <source>embedded</source>
        <translation>embedded</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>stale since %1</source>
        <translation>stale since %1</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refused</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connecting</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message numerus="yes">
        <source>Quit and close %n open stream(s)?</source>
        <translation><numerusform>Quit and close %n open stream?</numerusform><numerusform>Quit and close %n open streams?</numerusform></translation>
    </message>
    <message>
        <source>The embedded server stops with the console. Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects once a server listens here again.</source>
        <translation>The embedded server stops with the console. Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects once a server listens here again.</translation>
    </message>
    <message numerus="yes">
        <source>Stop the server and close %n open stream(s)?</source>
        <translation><numerusform>Stop the server and close %n open stream?</numerusform><numerusform>Stop the server and close %n open streams?</numerusform></translation>
    </message>
    <message>
        <source>Stop the server? No stream is open.</source>
        <translation>Stop the server? No stream is open.</translation>
    </message>
    <message>
        <source>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); new clients are refused until the server is started again.</source>
        <translation>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); new clients are refused until the server is started again.</translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation>Apply and restart</translation>
    </message>
    <message numerus="yes">
        <source>Restart the server with the new settings and close %n open stream(s)?</source>
        <translation><numerusform>Restart the server with the new settings and close %n open stream?</numerusform><numerusform>Restart the server with the new settings and close %n open streams?</numerusform></translation>
    </message>
    <message>
        <source>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects to the restarted server.</source>
        <translation>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects to the restarted server.</translation>
    </message>
    <message>
        <source>The new settings were not applied; the server runs on unchanged.</source>
        <translation>The new settings were not applied; the server runs on unchanged.</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>the connection to the server was lost</source>
        <translation>the connection to the server was lost</translation>
    </message>
    <message>
        <source>the server is stopped</source>
        <translation>the server is stopped</translation>
    </message>
    <message>
        <source>Stale since %1: %2. The tables show what it last reported; the figures come back when it does.</source>
        <translation>Stale since %1: %2. The tables show what it last reported; the figures come back when it does.</translation>
    </message>
    <message>
        <source>No browser opened</source>
        <translation>No browser opened</translation>
    </message>
    <message>
        <source>No web browser could be opened from here. Open this address in a browser by hand:

%1</source>
        <translation>No web browser could be opened from here. Open this address in a browser by hand:

%1</translation>
    </message>
    <message>
        <source>No browser opened; the demo page is at %1</source>
        <translation>No browser opened; the demo page is at %1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Filter the view</source>
        <translation>&amp;Filter the view</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Disconnect</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation>Copy id</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>Copy row</translation>
    </message>
    <message>
        <source>Show only this client</source>
        <translation>Show only this client</translation>
    </message>
    <message>
        <source>Publish to this topic…</source>
        <translation>Publish to this topic…</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Export connection log: %1</source>
        <translation>Export connection log: %1</translation>
    </message>
    <message>
        <source>The new settings were not applied: %1. The previous settings are running again on %2.</source>
        <translation>The new settings were not applied: %1. The previous settings are running again on %2.</translation>
    </message>
    <message>
        <source>The settings apply to this run but were not saved: %1</source>
        <translation>The settings apply to this run but were not saved: %1</translation>
    </message>
</context>
<context>
    <name>ssehub::NodeFilterBox</name>
    <message>
        <source>All nodes</source>
        <translation>All nodes</translation>
    </message>
</context>
<context>
    <name>ssehub::NodesModel</name>
    <message>
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Uptime</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Events in</source>
        <translation>Events in</translation>
    </message>
    <message>
        <source>Events out</source>
        <translation>Events out</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>Broker</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connecting</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>unreachable</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refused</translation>
    </message>
    <message>
        <source>not opened</source>
        <translation>not opened</translation>
    </message>
    <message>
        <source>not opened (the console follows at most %1 nodes)</source>
        <translation>not opened (the console follows at most %1 nodes)</translation>
    </message>
    <message numerus="yes">
        <source>attached, %n stream(s) shown</source>
        <translation><numerusform>attached, %n stream shown</numerusform><numerusform>attached, %n streams shown</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>live, %n stream(s) shown</source>
        <translation><numerusform>live, %n stream shown</numerusform><numerusform>live, %n streams shown</numerusform></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Console link</source>
        <translation>Console link</translation>
    </message>
</context>
<context>
    <name>ssehub::OverviewView</name>
    <message>
        <source>Open streams</source>
        <translation>Open streams</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Topics with events</source>
        <translation>Topics with events</translation>
    </message>
    <message>
        <source>Events in per second</source>
        <translation>Events in per second</translation>
    </message>
    <message>
        <source>Events out per second</source>
        <translation>Events out per second</translation>
    </message>
    <message>
        <source>Bytes out per second</source>
        <translation>Bytes out per second</translation>
    </message>
    <message>
        <source>Slow-consumer closes</source>
        <translation>Slow-consumer closes</translation>
    </message>
    <message>
        <source>Authentication failures</source>
        <translation>Authentication failures</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <source>Resources and limits</source>
        <translation>Resources and limits</translation>
    </message>
    <message>
        <source>File descriptors</source>
        <translation>File descriptors</translation>
    </message>
    <message>
        <source>Streams of the limit</source>
        <translation>Streams of the limit</translation>
    </message>
    <message>
        <source>History events</source>
        <translation>History events</translation>
    </message>
    <message>
        <source>History bytes</source>
        <translation>History bytes</translation>
    </message>
    <message>
        <source>Bytes queued for streams</source>
        <translation>Bytes queued for streams</translation>
    </message>
    <message>
        <source>Refused requests</source>
        <translation>Refused requests</translation>
    </message>
    <message>
        <source>Stream closes by the server</source>
        <translation>Stream closes by the server</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>Alarms</translation>
    </message>
    <message>
        <source>Amber from %1% of the limit, red from %2% or while the server's alarm is raised.</source>
        <translation>Amber from %1% of the limit, red from %2% or while the server's alarm is raised.</translation>
    </message>
    <message>
        <source>of %1 (%2%)</source>
        <translation>of %1 (%2%)</translation>
    </message>
    <message>
        <source>no limit known</source>
        <translation>no limit known</translation>
    </message>
    <message>
        <source>Files and sockets the server process holds open, against its limit (ulimit -n, LimitNOFILE=). At the limit new connections are refused.</source>
        <translation>Files and sockets the server process holds open, against its limit (ulimit -n, LimitNOFILE=). At the limit new connections are refused.</translation>
    </message>
    <message>
        <source>no limit (--max-connections 0)</source>
        <translation>no limit (--max-connections 0)</translation>
    </message>
    <message>
        <source>Open streams against --max-connections; beyond it new streams are refused with 503.</source>
        <translation>Open streams against --max-connections; beyond it new streams are refused with 503.</translation>
    </message>
    <message>
        <source>The history keeps the newest events for clients that resume; at its bound the oldest go (no colour: full is normal).</source>
        <translation>The history keeps the newest events for clients that resume; at its bound the oldest go (no colour: full is normal).</translation>
    </message>
    <message>
        <source>of %1 (--history)</source>
        <translation>of %1 (--history)</translation>
    </message>
    <message>
        <source>of %1 (--history-bytes)</source>
        <translation>of %1 (--history-bytes)</translation>
    </message>
    <message>
        <source>at most %1 per stream (--max-queue)</source>
        <translation>at most %1 per stream (--max-queue)</translation>
    </message>
    <message>
        <source>Bytes waiting for slow readers; a stream over its bound is closed as a slow consumer. Amber from %1% of what all open streams may queue, red from %2%.</source>
        <translation>Bytes waiting for slow readers; a stream over its bound is closed as a slow consumer. Amber from %1% of what all open streams may queue, red from %2%.</translation>
    </message>
    <message>
        <source>authentication %1 · stream limit %2 · rate limit %3 · bad request %4 · body too large %5 · descriptors %6</source>
        <translation>authentication %1 · stream limit %2 · rate limit %3 · bad request %4 · body too large %5 · descriptors %6</translation>
    </message>
    <message>
        <source>Requests refused since the server started, by reason. Amber while any came in the last minute, red while the server's authentication-failure alarm is raised.</source>
        <translation>Requests refused since the server started, by reason. Amber while any came in the last minute, red while the server's authentication-failure alarm is raised.</translation>
    </message>
    <message>
        <source>slow consumer %1 · dead %2 · kicked %3 · shutdown %4 · credentials %5</source>
        <translation>slow consumer %1 · dead %2 · kicked %3 · shutdown %4 · credentials %5</translation>
    </message>
    <message>
        <source>Streams the server closed since it started, by reason (clients that left are not counted). Red while the server's slow/dead-close alarm is raised.</source>
        <translation>Streams the server closed since it started, by reason (clients that left are not counted). Red while the server's slow/dead-close alarm is raised.</translation>
    </message>
    <message>
        <source>none raised</source>
        <translation>none raised</translation>
    </message>
    <message>
        <source>Alarms the server raises now (its log has an alarm entry when one is raised and when it clears; thresholds in docs/CONFIG.md).</source>
        <translation>Alarms the server raises now (its log has an alarm entry when one is raised and when it clears; thresholds in docs/CONFIG.md).</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>verified</translation>
    </message>
    <message>
        <source>malformed</source>
        <translation>malformed</translation>
    </message>
    <message>
        <source>algorithm not accepted</source>
        <translation>algorithm not accepted</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>unknown key</translation>
    </message>
    <message>
        <source>bad signature</source>
        <translation>bad signature</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>claims</source>
        <translation>claims</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>Identity sources</source>
        <translation>Identity sources</translation>
    </message>
    <message>
        <source>Key set (JWKS)</source>
        <translation>Key set (JWKS)</translation>
    </message>
    <message>
        <source>Auth hook</source>
        <translation>Auth hook</translation>
    </message>
    <message>
        <source>Tokens verified</source>
        <translation>Tokens verified</translation>
    </message>
    <message>
        <source>HS256 secret</source>
        <translation>HS256 secret</translation>
    </message>
    <message numerus="yes">
        <source>%n public key file(s)</source>
        <translation><numerusform>%n public key file</numerusform><numerusform>%n public key files</numerusform></translation>
    </message>
    <message>
        <source>JWKS</source>
        <translation>JWKS</translation>
    </message>
    <message>
        <source>client certificates</source>
        <translation>client certificates</translation>
    </message>
    <message>
        <source>auth hook</source>
        <translation>auth hook</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>no authentication: whoever reaches the listen address is let in</source>
        <translation>no authentication: whoever reaches the listen address is let in</translation>
    </message>
    <message>
        <source>No token secret, key, JWKS URL, client certificate authority, auth hook or ACL is configured (Settings, Access).</source>
        <translation>No token secret, key, JWKS URL, client certificate authority, auth hook or ACL is configured (Settings, Access).</translation>
    </message>
    <message>
        <source>How the server tells who a request comes from and what it may do (Settings, Access). Refusals are in the log with their reason.</source>
        <translation>How the server tells who a request comes from and what it may do (Settings, Access). Refusals are in the log with their reason.</translation>
    </message>
    <message>
        <source>last fetch failed: %1</source>
        <translation>last fetch failed: %1</translation>
    </message>
    <message>
        <source>No key set yet</source>
        <translation>No key set yet</translation>
    </message>
    <message>
        <source>first fetch under way</source>
        <translation>first fetch under way</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s)</source>
        <translation><numerusform>%n key</numerusform><numerusform>%n keys</numerusform></translation>
    </message>
    <message>
        <source>loaded %1 ago</source>
        <translation>loaded %1 ago</translation>
    </message>
    <message>
        <source>Tokens signed with keys are verified with the key set fetched from %1. Red while there is none (such tokens are refused), amber while the last fetch failed (the previous set stays).</source>
        <translation>Tokens signed with keys are verified with the key set fetched from %1. Red while there is none (such tokens are refused), amber while the last fetch failed (the previous set stays).</translation>
    </message>
    <message>
        <source>Fetches: %1</source>
        <translation>Fetches: %1</translation>
    </message>
    <message>
        <source>Next fetch in %1.</source>
        <translation>Next fetch in %1.</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Last error: %1</translation>
    </message>
    <message>
        <source>no question asked yet</source>
        <translation>no question asked yet</translation>
    </message>
    <message>
        <source>last answer in %1</source>
        <translation>last answer in %1</translation>
    </message>
    <message>
        <source>allowed %1 · denied %2 · timed out %3 · failed %4 · unreadable %5</source>
        <translation>allowed %1 · denied %2 · timed out %3 · failed %4 · unreadable %5</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>last error: %1</translation>
    </message>
    <message>
        <source>The backend at %1 decides for requests without a token. Red while its last call failed (timed out, could not be reached, answered 5xx or unreadably): such requests get 503.</source>
        <translation>The backend at %1 decides for requests without a token. Red while its last call failed (timed out, could not be reached, answered 5xx or unreadably): such requests get 503.</translation>
    </message>
    <message>
        <source>Answers remembered: %1; questions waiting: %2.</source>
        <translation>Answers remembered: %1; questions waiting: %2.</translation>
    </message>
    <message>
        <source>none refused</source>
        <translation>none refused</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>refused: %1</translation>
    </message>
    <message>
        <source>Tokens checked since the server started (a token remembered from an earlier request is not checked again), and those refused by reason.</source>
        <translation>Tokens checked since the server started (a token remembered from an earlier request is not checked again), and those refused by reason.</translation>
    </message>
    <message>
        <source>no key set to check with</source>
        <translation>no key set to check with</translation>
    </message>
</context>
<context>
    <name>ssehub::PresenceEventsModel</name>
    <message>
        <source>joined</source>
        <translation>joined</translation>
    </message>
    <message>
        <source>left</source>
        <translation>left</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>The client's live streams on that node after the change</source>
        <translation>The client's live streams on that node after the change</translation>
    </message>
</context>
<context>
    <name>ssehub::PresenceModel</name>
    <message>
        <source>(hidden)</source>
        <translation>(hidden)</translation>
    </message>
    <message>
        <source>The server leaves other clients' ids out for credentials without the presence grant.</source>
        <translation>The server leaves other clients' ids out for credentials without the presence grant.</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Since</translation>
    </message>
    <message>
        <source>Its live streams on that node</source>
        <translation>Its live streams on that node</translation>
    </message>
    <message>
        <source>Since when it has listened there: its first stream, or the subscription's last change if later</source>
        <translation>Since when it has listened there: its first stream, or the subscription's last change if later</translation>
    </message>
</context>
<context>
    <name>ssehub::PresencePanel</name>
    <message>
        <source>Who listens</source>
        <translation>Who listens</translation>
    </message>
    <message>
        <source>Join and leave events</source>
        <translation>Join and leave events</translation>
    </message>
    <message>
        <source>Select a topic or filter above to see who listens on it.</source>
        <translation>Select a topic or filter above to see who listens on it.</translation>
    </message>
    <message>
        <source>Select a topic to see its clients join and leave.</source>
        <translation>Select a topic to see its clients join and leave.</translation>
    </message>
    <message>
        <source>Who listens on %1</source>
        <translation>Who listens on %1</translation>
    </message>
    <message>
        <source>Join and leave events (%1)</source>
        <translation>Join and leave events (%1)</translation>
    </message>
    <message>
        <source>The events the hub publishes on %1 as clients start and stop listening</source>
        <translation>The events the hub publishes on %1 as clients start and stop listening</translation>
    </message>
    <message>
        <source>Asking who listens…</source>
        <translation>Asking who listens…</translation>
    </message>
    <message>
        <source>Reading the join and leave events…</source>
        <translation>Reading the join and leave events…</translation>
    </message>
    <message>
        <source>Presence not read: %1</source>
        <translation>Presence not read: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n client(s)</source>
        <translation><numerusform>%n client</numerusform><numerusform>%n clients</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s)</source>
        <translation><numerusform>%n stream</numerusform><numerusform>%n streams</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation><numerusform>%n node</numerusform><numerusform>%n nodes</numerusform></translation>
    </message>
    <message>
        <source>Every instance of the cluster</source>
        <translation>Every instance of the cluster</translation>
    </message>
    <message>
        <source>This server</source>
        <translation>This server</translation>
    </message>
    <message>
        <source>Only the first %1 entries are listed; the counts cover every client.</source>
        <translation>Only the first %1 entries are listed; the counts cover every client.</translation>
    </message>
    <message>
        <source>Other clients' ids are hidden: these credentials lack the presence grant.</source>
        <translation>Other clients' ids are hidden: these credentials lack the presence grant.</translation>
    </message>
    <message>
        <source>Nobody listens on %1 right now.</source>
        <translation>Nobody listens on %1 right now.</translation>
    </message>
    <message>
        <source>No join and leave events: %1 is too long a topic for them.</source>
        <translation>No join and leave events: %1 is too long a topic for them.</translation>
    </message>
    <message>
        <source>Join and leave events not read: %1</source>
        <translation>Join and leave events not read: %1</translation>
    </message>
    <message>
        <source>No join/leave events: start the hub with --presence-events &lt;filter&gt; to publish them (for this topic, e.g. --presence-events %1).</source>
        <translation>No join/leave events: start the hub with --presence-events &lt;filter&gt; to publish them (for this topic, e.g. --presence-events %1).</translation>
    </message>
    <message>
        <source>Cluster mode: this server's history holds the events it received, not the whole cluster's.</source>
        <translation>Cluster mode: this server's history holds the events it received, not the whole cluster's.</translation>
    </message>
</context>
<context>
    <name>ssehub::PublishDialog</name>
    <message>
        <source>Publish a test event</source>
        <translation>Publish a test event</translation>
    </message>
    <message>
        <source>e.g. sensor/1/data</source>
        <translation>e.g. sensor/1/data</translation>
    </message>
    <message>
        <source>optional, e.g. reading</source>
        <translation>optional, e.g. reading</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Publish</translation>
    </message>
    <message>
        <source>Topic:</source>
        <translation>Topic:</translation>
    </message>
    <message>
        <source>Event type:</source>
        <translation>Event type:</translation>
    </message>
    <message>
        <source>Payload (JSON):</source>
        <translation>Payload (JSON):</translation>
    </message>
    <message>
        <source>Enter a topic.</source>
        <translation>Enter a topic.</translation>
    </message>
    <message>
        <source>Payload is not one JSON value: %1</source>
        <translation>Payload is not one JSON value: %1</translation>
    </message>
    <message>
        <source>expected exactly one value</source>
        <translation>expected exactly one value</translation>
    </message>
    <message>
        <source>Publish (Ctrl+Enter)</source>
        <translation>Publish (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteLink</name>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>not connected</translation>
    </message>
    <message>
        <source>the server's answer could not be read</source>
        <translation>the server's answer could not be read</translation>
    </message>
    <message>
        <source>the server's answer could not be read: %1</source>
        <translation>the server's answer could not be read: %1</translation>
    </message>
    <message>
        <source>this server does not answer GET /presence (ssehub before presence, or another server)</source>
        <translation>this server does not answer GET /presence (ssehub before presence, or another server)</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteSession</name>
    <message>
        <source>it advertises none</source>
        <translation>it advertises none</translation>
    </message>
    <message>
        <source>longer than %1 characters</source>
        <translation>longer than %1 characters</translation>
    </message>
    <message>
        <source>not an http(s) URL with a host: %1</source>
        <translation>not an http(s) URL with a host: %1</translation>
    </message>
    <message>
        <source>%1 is every address of that machine, not one to connect to (set --admin-url on that node)</source>
        <translation>%1 is every address of that machine, not one to connect to (set --admin-url on that node)</translation>
    </message>
    <message>
        <source>Its admin URL cannot be opened: %1.</source>
        <translation>Its admin URL cannot be opened: %1.</translation>
    </message>
    <message>
        <source>%1 answers as node "%2", not "%3": check that node's --admin-url.</source>
        <translation>%1 answers as node "%2", not "%3": check that node's --admin-url.</translation>
    </message>
    <message>
        <source>node %1 is not connected</source>
        <translation>node %1 is not connected</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteTarget</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>cannot read %1: %2</translation>
    </message>
    <message>
        <source>%1 is too large to hold credentials</source>
        <translation>%1 is too large to hold credentials</translation>
    </message>
    <message>
        <source>'%1' is not a server address (e.g. http://127.0.0.1:8080)</source>
        <translation>'%1' is not a server address (e.g. http://127.0.0.1:8080)</translation>
    </message>
    <message>
        <source>'%1': the console speaks http:// or https://</source>
        <translation>'%1': the console speaks http:// or https://</translation>
    </message>
    <message>
        <source>'%1': give only the scheme, host and port</source>
        <translation>'%1': give only the scheme, host and port</translation>
    </message>
    <message>
        <source>%1 holds no token</source>
        <translation>%1 holds no token</translation>
    </message>
    <message>
        <source>the token holds characters a token cannot have (spaces, line breaks)</source>
        <translation>the token holds characters a token cannot have (spaces, line breaks)</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate</source>
        <translation>%1 holds no PEM certificate</translation>
    </message>
    <message>
        <source>a client certificate needs both its certificate and its key file</source>
        <translation>a client certificate needs both its certificate and its key file</translation>
    </message>
    <message>
        <source>%1 holds no unencrypted PEM RSA or EC key</source>
        <translation>%1 holds no unencrypted PEM RSA or EC key</translation>
    </message>
</context>
<context>
    <name>ssehub::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Listen address:</source>
        <translation>Listen address:</translation>
    </message>
    <message>
        <source>Heartbeat interval:</source>
        <translation>Heartbeat interval:</translation>
    </message>
    <message>
        <source>History size (events):</source>
        <translation>History size (events):</translation>
    </message>
    <message>
        <source>Queue limit per stream:</source>
        <translation>Queue limit per stream:</translation>
    </message>
    <message>
        <source>Token secret file:</source>
        <translation>Token secret file:</translation>
    </message>
    <message>
        <source>ACL file:</source>
        <translation>ACL file:</translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation>Apply and restart</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Network</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>Storage and log</source>
        <translation>Storage and log</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>These settings apply to this run only.</source>
        <translation>These settings apply to this run only.</translation>
    </message>
    <message>
        <source>Saved in %1, which every start of ssehub reads (the console and headless servers alike; ssehub --print-config shows the result).</source>
        <translation>Saved in %1, which every start of ssehub reads (the console and headless servers alike; ssehub --print-config shows the result).</translation>
    </message>
    <message>
        <source>Set on the command line or in the environment for this run, and therefore not editable here: %1.</source>
        <translation>Set on the command line or in the environment for this run, and therefore not editable here: %1.</translation>
    </message>
    <message>
        <source>Applying restarts the engine: open streams are closed and clients reconnect (and resume by Last-Event-ID). Settings that cannot be used leave the running server as it is.</source>
        <translation>Applying restarts the engine: open streams are closed and clients reconnect (and resume by Last-Event-ID). Settings that cannot be used leave the running server as it is.</translation>
    </message>
    <message>
        <source>Set by %1 for this run; not editable here and not saved.</source>
        <translation>Set by %1 for this run; not editable here and not saved.</translation>
    </message>
    <message>
        <source>none; several separated by commas</source>
        <translation>none; several separated by commas</translation>
    </message>
    <message>
        <source>set by %1</source>
        <translation>set by %1</translation>
    </message>
    <message>
        <source>The settings cannot be saved: %1.</source>
        <translation>The settings cannot be saved: %1.</translation>
    </message>
    <message>
        <source>%1: the directory %2 cannot be written.</source>
        <translation>%1: the directory %2 cannot be written.</translation>
    </message>
    <message>
        <source>%1: %2 cannot be written.</source>
        <translation>%1: %2 cannot be written.</translation>
    </message>
    <message>
        <source>%1: %2 cannot be read.</source>
        <translation>%1: %2 cannot be read.</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together: give both or neither.</source>
        <translation>--tls-cert and --tls-key go together: give both or neither.</translation>
    </message>
    <message>
        <source>--tls-client-ca needs HTTPS: give --tls-cert and --tls-key too.</source>
        <translation>--tls-client-ca needs HTTPS: give --tls-cert and --tls-key too.</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2. The server keeps running with its current settings.</source>
        <translation>Cannot listen on %1: %2. The server keeps running with its current settings.</translation>
    </message>
    <message>
        <source>Export the log at exit to:</source>
        <translation>Export the log at exit to:</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>Log file:</translation>
    </message>
    <message>
        <source>Log file rotation size:</source>
        <translation>Log file rotation size:</translation>
    </message>
    <message>
        <source>Rotated log files kept:</source>
        <translation>Rotated log files kept:</translation>
    </message>
    <message>
        <source>Topics counted in /metrics:</source>
        <translation>Topics counted in /metrics:</translation>
    </message>
    <message>
        <source>Drain time at shutdown:</source>
        <translation>Drain time at shutdown:</translation>
    </message>
    <message>
        <source>Allowed host names:</source>
        <translation>Allowed host names:</translation>
    </message>
    <message>
        <source>Accept tokens that never expire</source>
        <translation>Accept tokens that never expire</translation>
    </message>
    <message>
        <source>History memory:</source>
        <translation>History memory:</translation>
    </message>
    <message>
        <source>Clients at most:</source>
        <translation>Clients at most:</translation>
    </message>
    <message>
        <source>Subscriptions at most:</source>
        <translation>Subscriptions at most:</translation>
    </message>
    <message>
        <source>Reconnect delay (retry):</source>
        <translation>Reconnect delay (retry):</translation>
    </message>
    <message>
        <source>Largest request body:</source>
        <translation>Largest request body:</translation>
    </message>
    <message>
        <source>CORS origins:</source>
        <translation>CORS origins:</translation>
    </message>
    <message>
        <source>Data directory:</source>
        <translation>Data directory:</translation>
    </message>
    <message>
        <source>Renewal grace:</source>
        <translation>Renewal grace:</translation>
    </message>
    <message>
        <source>Archive after:</source>
        <translation>Archive after:</translation>
    </message>
    <message>
        <source>Delete after:</source>
        <translation>Delete after:</translation>
    </message>
    <message>
        <source>Token cookie:</source>
        <translation>Token cookie:</translation>
    </message>
    <message>
        <source>Token clock skew:</source>
        <translation>Token clock skew:</translation>
    </message>
    <message>
        <source>Streams at most:</source>
        <translation>Streams at most:</translation>
    </message>
    <message>
        <source>Streams per address:</source>
        <translation>Streams per address:</translation>
    </message>
    <message>
        <source>Streams per client:</source>
        <translation>Streams per client:</translation>
    </message>
    <message>
        <source>Publishes per second:</source>
        <translation>Publishes per second:</translation>
    </message>
    <message>
        <source>Publish burst:</source>
        <translation>Publish burst:</translation>
    </message>
    <message>
        <source>Filters per stream:</source>
        <translation>Filters per stream:</translation>
    </message>
    <message>
        <source>Longest topic (bytes):</source>
        <translation>Longest topic (bytes):</translation>
    </message>
    <message>
        <source>Request timeout:</source>
        <translation>Request timeout:</translation>
    </message>
    <message>
        <source>TLS certificate:</source>
        <translation>TLS certificate:</translation>
    </message>
    <message>
        <source>TLS key:</source>
        <translation>TLS key:</translation>
    </message>
    <message>
        <source>Client certificate CA:</source>
        <translation>Client certificate CA:</translation>
    </message>
    <message>
        <source>Token public keys:</source>
        <translation>Token public keys:</translation>
    </message>
    <message>
        <source>JWKS URL:</source>
        <translation>JWKS URL:</translation>
    </message>
    <message>
        <source>Token issuer:</source>
        <translation>Token issuer:</translation>
    </message>
    <message>
        <source>Token audiences:</source>
        <translation>Token audiences:</translation>
    </message>
    <message>
        <source>JWKS shortest refresh interval:</source>
        <translation>JWKS shortest refresh interval:</translation>
    </message>
    <message>
        <source>JWKS longest refresh interval:</source>
        <translation>JWKS longest refresh interval:</translation>
    </message>
    <message>
        <source>Auth hook URL:</source>
        <translation>Auth hook URL:</translation>
    </message>
    <message>
        <source>Auth hook timeout:</source>
        <translation>Auth hook timeout:</translation>
    </message>
    <message>
        <source>Auth hook answers kept at most:</source>
        <translation>Auth hook answers kept at most:</translation>
    </message>
    <message>
        <source>Ask the auth hook about unverified tokens</source>
        <translation>Ask the auth hook about unverified tokens</translation>
    </message>
    <message>
        <source>Presence events for:</source>
        <translation>Presence events for:</translation>
    </message>
    <message>
        <source>$SYS figures every:</source>
        <translation>$SYS figures every:</translation>
    </message>
    <message>
        <source>History age limit:</source>
        <translation>History age limit:</translation>
    </message>
    <message>
        <source>Presence events per second:</source>
        <translation>Presence events per second:</translation>
    </message>
    <message>
        <source>Presence budget (clients/s):</source>
        <translation>Presence budget (clients/s):</translation>
    </message>
</context>
<context>
    <name>ssehub::ShownCount</name>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 of %2 shown</translation>
    </message>
</context>
<context>
    <name>ssehub::ThroughputChart</name>
    <message>
        <source>Last 5 minutes (1 s)</source>
        <translation>Last 5 minutes (1 s)</translation>
    </message>
    <message>
        <source>Last hour (10 s)</source>
        <translation>Last hour (10 s)</translation>
    </message>
    <message>
        <source>Open streams</source>
        <translation>Open streams</translation>
    </message>
    <message>
        <source>streams</source>
        <translation>streams</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>Range:</translation>
    </message>
    <message>
        <source>KiB/s</source>
        <translation>KiB/s</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <source>Events published per second</source>
        <translation>Events published per second</translation>
    </message>
    <message>
        <source>published</source>
        <translation>published</translation>
    </message>
    <message>
        <source>Events delivered per second</source>
        <translation>Events delivered per second</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>delivered</translation>
    </message>
    <message>
        <source>Bytes out per second (KiB/s)</source>
        <translation>Bytes out per second (KiB/s)</translation>
    </message>
    <message>
        <source>Stream closes per second, by reason</source>
        <translation>Stream closes per second, by reason</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>slow consumer</translation>
    </message>
    <message>
        <source>dead</source>
        <translation>dead</translation>
    </message>
    <message>
        <source>kicked</source>
        <translation>kicked</translation>
    </message>
    <message>
        <source>shutdown</source>
        <translation>shutdown</translation>
    </message>
    <message>
        <source>Refusals per second, by reason</source>
        <translation>Refusals per second, by reason</translation>
    </message>
    <message>
        <source>auth failures</source>
        <translation>auth failures</translation>
    </message>
    <message>
        <source>stream limit</source>
        <translation>stream limit</translation>
    </message>
    <message>
        <source>rate limit</source>
        <translation>rate limit</translation>
    </message>
    <message>
        <source>bad requests</source>
        <translation>bad requests</translation>
    </message>
    <message>
        <source>descriptors</source>
        <translation>descriptors</translation>
    </message>
    <message>
        <source>Bytes queued for streams (KiB)</source>
        <translation>Bytes queued for streams (KiB)</translation>
    </message>
    <message>
        <source>KiB</source>
        <translation>KiB</translation>
    </message>
    <message>
        <source>%1  %2: %3</source>
        <translation>%1  %2: %3</translation>
    </message>
</context>
<context>
    <name>ssehub::TopicsModel</name>
    <message>
        <source>Topic level</source>
        <translation>Topic level</translation>
    </message>
    <message>
        <source>Subscribers</source>
        <translation>Subscribers</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Events/s</source>
        <translation>Events/s</translation>
    </message>
    <message>
        <source>Last event</source>
        <translation>Last event</translation>
    </message>
    <message>
        <source>Last payload</source>
        <translation>Last payload</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>A filter: the clients holding it. A topic: the clients whose filters match it (wildcards included).</source>
        <translation>A filter: the clients holding it. A topic: the clients whose filters match it (wildcards included).</translation>
    </message>
    <message>
        <source>The live streams of those clients: who an event on a topic reaches now.</source>
        <translation>The live streams of those clients: who an event on a topic reaches now.</translation>
    </message>
    <message>
        <source>Events per second, averaged over the last %1 seconds.</source>
        <translation>Events per second, averaged over the last %1 seconds.</translation>
    </message>
    <message>
        <source>Events per second over the last %1 s</source>
        <translation>Events per second over the last %1 s</translation>
    </message>
</context>
<context>
    <name>ssehub::TopicsView</name>
    <message>
        <source>Publish test event…</source>
        <translation>Publish test event…</translation>
    </message>
    <message>
        <source>Topic or filter to tail, e.g. sensor/+/data</source>
        <translation>Topic or filter to tail, e.g. sensor/+/data</translation>
    </message>
    <message>
        <source>Tail</source>
        <translation>Tail</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>No live tail.</source>
        <translation>No live tail.</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message numerus="yes">
        <source>… %n event(s) not shown (more than the tail keeps per update)</source>
        <translation><numerusform>… %n event not shown (more than the tail keeps per update)</numerusform><numerusform>… %n events not shown (more than the tail keeps per update)</numerusform></translation>
    </message>
    <message>
        <source>Search topics and filters…</source>
        <translation>Search topics and filters…</translation>
    </message>
</context>
</TS>
