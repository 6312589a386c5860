<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>format</name>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Server-Sent Events hub with a desktop monitoring console.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the engine without a window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat interval: a &apos;: ping&apos; comment after this long without output (default 30s; e.g. 15s, 500ms).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect delay suggested to clients in the &apos;retry:&apos; line (default 3000ms).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of recent events kept for replay (default 10000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes queued for one slow client before it is disconnected (default 1M).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest request body accepted (default 64K).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow browser requests from this origin (repeatable; &apos;*&apos; for any).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory for stored subscriptions and cursors (default: the user&apos;s data directory; &apos;&apos; keeps them in memory only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long after its expiry a subscription can still be renewed (default 7d).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is archived (default 15d).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is deleted (default 30d).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster mode: share events, history and subscriptions with other instances through Redis at redis://[:password@]host[:port][/db].</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefix of every Redis key and channel (default &apos;ssehub:&apos;); instances with the same prefix form one cluster.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of this instance in the session event and the node registry (default: host name and port).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept HS256 tokens signed with the secret in FILE (at least 32 bytes; a trailing newline is ignored).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic access rules and roles (JSON, see docs/CONFIG.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cookie that may carry the token (default ssehub_token).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clock skew allowed on a token&apos;s exp and nbf (default 30s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serve HTTPS with this certificate chain (PEM).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key of --tls-cert (PEM, unencrypted).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Require client certificates signed by this CA (PEM); the certificate&apos;s CN becomes the client id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic filters per stream or subscription request (default 64).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest topic or filter in bytes (default and maximum 256).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time a client has to send one complete request; slower ones get 408 and are closed (default 15s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open streams at most (default 10000; 0: no limit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Streams from one address at most (default 0: no limit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Streams of one client id at most (default 64; 0: no limit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishes per second per client, or per address for anonymous publishers (default 0: no limit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishes allowed in a burst (default: twice the rate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language of the console (e.g. zh_CN, en; default: the system&apos;s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the connection log to FILE when ssehub exits (.csv: CSV, otherwise JSON Lines).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Append the connection log to FILE as JSON Lines, rotated by size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size at which --log-file is rotated (default 10M).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rotated log files kept (default 5).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--listen takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes %2, not &apos;%3&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a duration of at least 1ms, e.g. 30s or 500ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a duration, e.g. 3000ms or 3s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a count from 0 to 10000000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a size from 1K to 4G, e.g. 1M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a size from 256 to 64M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a duration, e.g. 7d or 12h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the subscription durations must satisfy grace &lt;= archive-after &lt;= delete-after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--redis-prefix takes 1 to 64 characters without spaces or glob characters (*?[]\), not &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a count from 0 (no limit) to 1000000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a count from 1 to 1024</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a length from 1 to 256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a duration from 100ms to 1h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--jwt-cookie takes a cookie name, not &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 30s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a size of at least 4K, e.g. 10M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a count from 1 to 1000</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectionsModel</name>
    <message>
        <source>replaying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>late</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dead</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 (+%n paused)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::LogModel</name>
    <message>
        <source>connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kick</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>subscribe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsubscribe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lifecycle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auth failure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::MainWindow</name>
    <message>
        <source>ssehub console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export connection log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;demo page in the browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Publish test event…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reload access rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the ACL and token secret files again; live subscriptions that are no longer allowed are removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About ssehub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About ssehub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ssehub %1
Server-Sent Events hub with a monitoring console.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topics with events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events in per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events out per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes out per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slow-consumer closes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authentication failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by client id, address, user agent, topic…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a stream to see its subscriptions and last events.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish test event…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic or filter to tail, e.g. sensor/+/data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No live tail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reaped by the engine (dead)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A stream is late (amber) after 1.5 heartbeat intervals without a successful write or ping, and dead (red) after three; the engine closes streams whose peer stopped acknowledging.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client id contains…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not start: %1. Change the settings (Server &gt; Settings) and start it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server stopped; every stream was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Engine restarted with the new settings on %1; %n stream(s) were closed and reconnect.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check that redis-server runs at %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  stream %2  %3  %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster mode is off: this instance uses the embedded broker. Set a Redis URL in Settings (or start with --redis) to share events with other instances.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s) registered in Redis.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… %n event(s) not shown (more than the tail keeps per update)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; healthy · &lt;span style=&apos;color:#b26a00&apos;&gt;&lt;b&gt;%2&lt;/b&gt; late&lt;/span&gt; · &lt;span style=&apos;color:#b00020&apos;&gt;&lt;b&gt;%3&lt;/b&gt; dead&lt;/span&gt; · %4 reaped as dead since start · heartbeat every %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broker: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broker: %1 - events refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Stream %1 disconnected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream %1 had already ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subscriptions of %1 paused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subscriptions of %1 resumed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream %1 has ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream %1 of client %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recent events for this stream.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Published event %1 to %n stream(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Not published: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tailing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot tail: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export connection log</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n log entry(s) to %1.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::NodesModel</name>
    <message>
        <source>Instance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broker</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::PublishDialog</name>
    <message>
        <source>Publish a test event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. sensor/1/data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, e.g. reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload (JSON):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a topic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event type: at most 128 bytes on one line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload is not one JSON value: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected exactly one value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any free port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> KiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: embedded broker; redis://host:6379 for cluster mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History size (events):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue limit per stream:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redis URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token secret file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ACL file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying restarts the engine: open streams are closed and clients reconnect (and resume by Last-Event-ID).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen address: &apos;%1&apos; is not an IP address (e.g. 127.0.0.1, ::1 or *).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redis URL: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::ThroughputChart</name>
    <message>
        <source>Last 5 minutes (1 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour (10 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in (published)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out (delivered)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes per second out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bytes/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ssehub::TopicsModel</name>
    <message>
        <source>Topic level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subscribers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last payload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
