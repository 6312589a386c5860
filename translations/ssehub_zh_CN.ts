<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineText</name>
    <message>
        <source>topic is empty</source>
        <translation>主题为空</translation>
    </message>
    <message>
        <source>topic is longer than %1 bytes</source>
        <translation>主题超过 %1 字节</translation>
    </message>
    <message>
        <source>topic contains a control character</source>
        <translation>主题包含控制字符</translation>
    </message>
    <message>
        <source>topic contains a space</source>
        <translation>主题包含空格</translation>
    </message>
    <message>
        <source>topic is not valid UTF-8</source>
        <translation>主题不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>topic contains a wildcard ('+' or '#'); wildcards are only for subscription filters</source>
        <translation>主题包含通配符（'+' 或 '#'）；通配符只能用于订阅过滤器</translation>
    </message>
    <message>
        <source>type is empty</source>
        <translation>事件类型为空</translation>
    </message>
    <message>
        <source>type is longer than %1 bytes</source>
        <translation>事件类型超过 %1 字节</translation>
    </message>
    <message>
        <source>type contains a control character</source>
        <translation>事件类型包含控制字符</translation>
    </message>
    <message>
        <source>type contains a space</source>
        <translation>事件类型包含空格</translation>
    </message>
    <message>
        <source>type is not valid UTF-8</source>
        <translation>事件类型不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>type '%1' is reserved for the server</source>
        <translation>事件类型 '%1' 保留给服务器使用</translation>
    </message>
    <message>
        <source>"topic" is missing or not a string</source>
        <translation>缺少 "topic"，或它不是字符串</translation>
    </message>
    <message>
        <source>"type" must be a string</source>
        <translation>"type" 必须是字符串</translation>
    </message>
    <message>
        <source>"payload" is missing</source>
        <translation>缺少 "payload"</translation>
    </message>
    <message>
        <source>filter is empty</source>
        <translation>过滤器为空</translation>
    </message>
    <message>
        <source>filter is longer than %1 bytes</source>
        <translation>过滤器超过 %1 字节</translation>
    </message>
    <message>
        <source>filter contains a control character</source>
        <translation>过滤器包含控制字符</translation>
    </message>
    <message>
        <source>filter is not valid UTF-8</source>
        <translation>过滤器不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>filter '%1': '#' must be the last level</source>
        <translation>过滤器 '%1'：'#' 必须位于最后一级</translation>
    </message>
    <message>
        <source>filter '%1': a wildcard must fill a whole level</source>
        <translation>过滤器 '%1'：通配符必须占据一整级</translation>
    </message>
    <message>
        <source>%1 live tails are open already; stop one first</source>
        <translation>已打开 %1 个实时跟踪；请先停止其中一个</translation>
    </message>
    <message>
        <source>client_id is empty</source>
        <translation>client_id 为空</translation>
    </message>
    <message>
        <source>client_id is longer than %1 bytes</source>
        <translation>client_id 超过 %1 字节</translation>
    </message>
    <message>
        <source>client_id contains a control character</source>
        <translation>client_id 包含控制字符</translation>
    </message>
    <message>
        <source>client_id is not valid UTF-8</source>
        <translation>client_id 不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>the engine is not running</source>
        <translation>服务器引擎未运行</translation>
    </message>
    <message>
        <source>no stream with id %1</source>
        <translation>没有 ID 为 %1 的流</translation>
    </message>
    <message>
        <source>no client with id '%1'</source>
        <translation>没有 ID 为 '%1' 的客户端</translation>
    </message>
    <message>
        <source>client '%1' has no subscription '%2'</source>
        <translation>客户端 '%1' 没有订阅 '%2'</translation>
    </message>
    <message>
        <source>nothing to reload: no --acl or --jwt-secret-file</source>
        <translation>无可重新加载的内容：未设置 --acl 或 --jwt-secret-file</translation>
    </message>
    <message>
        <source>%1 - the previous rules stay in force</source>
        <translation>%1 - 原有规则继续有效</translation>
    </message>
    <message>
        <source>access rules reloaded; %1 subscription(s) no longer allowed were removed; %2 stream(s) whose credentials no longer hold were ended</source>
        <translation>访问规则已重新加载；移除了 %1 个不再允许的订阅；结束了 %2 个凭据已失效的流</translation>
    </message>
    <message>
        <source>this route needs the admin role</source>
        <translation>此路由需要管理员角色</translation>
    </message>
    <message>
        <source>body of %1 bytes is larger than the limit of %2 bytes</source>
        <translation>请求体 %1 字节，超过 %2 字节的上限</translation>
    </message>
    <message>
        <source>Redis at %1 is unavailable; the event was not accepted</source>
        <translation>%1 上的 Redis 不可用；事件未被接受</translation>
    </message>
    <message>
        <source>Redis at %1 became unavailable; the event was not accepted</source>
        <translation>%1 上的 Redis 变得不可用；事件未被接受</translation>
    </message>
    <message>
        <source>not ready: Redis at %1 is unavailable (%2); the event was not accepted, retry later</source>
        <translation>未就绪：%1 上的 Redis 不可用（%2）；事件未被接受，请稍后重试</translation>
    </message>
    <message>
        <source>Redis at %1 did not confirm the event: %2</source>
        <translation>%1 上的 Redis 未确认该事件：%2</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2: %3</source>
        <translation>无法监听 %1:%2：%3</translation>
    </message>
    <message>
        <source>HTTPS needs both --tls-cert and --tls-key</source>
        <translation>HTTPS 需要同时设置 --tls-cert 和 --tls-key</translation>
    </message>
    <message>
        <source>no PEM certificate in %1</source>
        <translation>%1 中没有 PEM 证书</translation>
    </message>
    <message>
        <source>cannot read the TLS key %1: %2</source>
        <translation>无法读取 TLS 私钥 %1：%2</translation>
    </message>
    <message>
        <source>no unencrypted PEM RSA or EC private key in %1</source>
        <translation>%1 中没有未加密的 PEM RSA 或 EC 私钥</translation>
    </message>
    <message>
        <source>no PEM certificate in the client CA file %1</source>
        <translation>客户端 CA 文件 %1 中没有 PEM 证书</translation>
    </message>
    <message>
        <source>cannot read the JWT secret file %1: %2</source>
        <translation>无法读取 JWT 密钥文件 %1：%2</translation>
    </message>
    <message>
        <source>the JWT secret in %1 is %2 bytes; HS256 needs at least 32 (e.g. head -c 48 /dev/urandom | base64 &gt; %1)</source>
        <translation>%1 中的 JWT 密钥为 %2 字节；HS256 至少需要 32 字节（例如 head -c 48 /dev/urandom | base64 &gt; %1）</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2 (check --log-file and the directory's permissions)</source>
        <translation>无法打开日志文件 %1：%2（请检查 --log-file 及其目录的权限）</translation>
    </message>
    <message>
        <source>invalid Redis URL '%1': %2 (expected redis://[:password@]host[:port][/db])</source>
        <translation>无效的 Redis URL '%1'：%2（应为 redis://[:password@]host[:port][/db]）</translation>
    </message>
    <message>
        <source>listening on %1 without authentication: anyone who can reach it can subscribe, publish and use the admin routes; set --jwt-secret-file and --acl, or listen on 127.0.0.1</source>
        <translation>正在 %1 上监听且未启用认证：任何能访问它的人都可以订阅、发布并使用管理路由；请设置 --jwt-secret-file 和 --acl，或只在 127.0.0.1 上监听</translation>
    </message>
    <message>
        <source>--cors-origin '*' on a hub without authentication: any web page opened in a browser that can reach this hub can subscribe, publish and use the admin routes through it; name the allowed origins, or set --jwt-secret-file and --acl</source>
        <translation>未启用认证的服务器设置了 --cors-origin '*'：能访问本服务器的浏览器中打开的任何网页都可以借此订阅、发布并使用管理路由；请列出允许的源，或设置 --jwt-secret-file 和 --acl</translation>
    </message>
    <message>
        <source>embedded</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>redis %1 connected</source>
        <translation>Redis %1 已连接</translation>
    </message>
    <message>
        <source>redis %1 catching up</source>
        <translation>Redis %1 正在同步</translation>
    </message>
    <message>
        <source>redis %1 unavailable: %2</source>
        <translation>Redis %1 不可用：%2</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Redis at %1 was unreachable from %2 to %3 (%4 s); %5 publishes refused meanwhile</source>
        <translation>%1 上的 Redis 从 %2 到 %3 无法访问（%4 秒）；期间拒绝了 %5 次发布</translation>
    </message>
    <message>
        <source>client closed</source>
        <translation>客户端关闭</translation>
    </message>
    <message>
        <source>dead peer</source>
        <translation>对端失联</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>慢消费者</translation>
    </message>
    <message>
        <source>write failed</source>
        <translation>写入失败</translation>
    </message>
    <message>
        <source>disconnected by an operator</source>
        <translation>被操作员断开</translation>
    </message>
    <message>
        <source>server shutdown</source>
        <translation>服务器关闭</translation>
    </message>
    <message>
        <source>server restart</source>
        <translation>服务器重启</translation>
    </message>
    <message>
        <source>credentials expired</source>
        <translation>凭据已过期</translation>
    </message>
    <message>
        <source>by a stream</source>
        <translation>由流创建</translation>
    </message>
    <message>
        <source>by the API</source>
        <translation>由 API 操作</translation>
    </message>
    <message>
        <source>access rules</source>
        <translation>访问规则</translation>
    </message>
    <message>
        <source>renewed</source>
        <translation>已续订</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>Redis unreachable</source>
        <translation>Redis 无法访问</translation>
    </message>
    <message>
        <source>Redis lost its data</source>
        <translation>Redis 丢失了数据</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>cannot create the data directory %1 (--data-dir)</source>
        <translation>无法创建数据目录 %1（--data-dir）</translation>
    </message>
    <message>
        <source>cannot lock the data directory %1 (--data-dir): check that it is writable</source>
        <translation>无法锁定数据目录 %1（--data-dir）：请检查它是否可写</translation>
    </message>
    <message>
        <source>the data directory %1 is in use by another ssehub (process %2 on %3); give each instance its own --data-dir, or --data-dir '' to keep subscriptions in memory only</source>
        <translation>数据目录 %1 正被另一个 ssehub 使用（%3 上的进程 %2）；请为每个实例指定各自的 --data-dir，或用 --data-dir '' 只在内存中保存订阅</translation>
    </message>
    <message>
        <source>Redis is unreachable: the other instances' presence cannot be read now</source>
        <translation>无法连接 Redis：目前无法读取其他实例的在线状态</translation>
    </message>
    <message>
        <source>the other instances' presence could not be read from Redis: %1</source>
        <translation>无法从 Redis 读取其他实例的在线状态：%1</translation>
    </message>
    <message>
        <source>'%1' is not a topic or filter</source>
        <translation>'%1' 不是主题或过滤器</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 d %2</source>
        <translation>%1 天 %2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Server-Sent Events hub with a desktop monitoring console.</source>
        <translation>带桌面监控控制台的 Server-Sent Events 推送中心。</translation>
    </message>
    <message>
        <source>Run the engine without a window.</source>
        <translation>不打开窗口，仅运行服务器引擎。</translation>
    </message>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one).</source>
        <translation>监听的地址和端口（默认 127.0.0.1:8080；端口 0 表示自动选择空闲端口）。</translation>
    </message>
    <message>
        <source>Heartbeat interval: a ': ping' comment after this long without output (default 30s; e.g. 15s, 500ms).</source>
        <translation>心跳间隔：无输出超过该时长后发送 ': ping' 注释行（默认 30s；例如 15s、500ms）。</translation>
    </message>
    <message>
        <source>Reconnect delay suggested to clients in the 'retry:' line (default 3000ms).</source>
        <translation>通过 'retry:' 行建议客户端使用的重连延迟（默认 3000ms）。</translation>
    </message>
    <message>
        <source>Number of recent events kept for replay (default 10000).</source>
        <translation>保留用于重放的最近事件数（默认 10000）。</translation>
    </message>
    <message>
        <source>Bytes queued for one slow client before it is disconnected (default 1M).</source>
        <translation>单个慢客户端排队字节数的上限，超过即断开（默认 1M）。</translation>
    </message>
    <message>
        <source>Largest request body accepted (default 64K).</source>
        <translation>接受的最大请求体（默认 64K）。</translation>
    </message>
    <message>
        <source>Allow browser requests from this origin (repeatable; '*' for any).</source>
        <translation>允许来自该源的浏览器请求（可重复；'*' 表示任意源）。</translation>
    </message>
    <message>
        <source>Directory for stored subscriptions and cursors (default: the user's data directory; '' keeps them in memory only).</source>
        <translation>保存订阅和游标的目录（默认：用户数据目录；'' 表示仅保存在内存中）。</translation>
    </message>
    <message>
        <source>How long after its expiry a subscription can still be renewed (default 7d).</source>
        <translation>订阅过期后仍可续订的时长（默认 7d）。</translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is archived (default 15d).</source>
        <translation>订阅过期后多久被归档（默认 15d）。</translation>
    </message>
    <message>
        <source>Time after expiry when a subscription is deleted (default 30d).</source>
        <translation>订阅过期后多久被删除（默认 30d）。</translation>
    </message>
    <message>
        <source>Accept HS256 tokens signed with the secret in FILE (at least 32 bytes; a trailing newline is ignored).</source>
        <translation>接受用 FILE 中的密钥签名的 HS256 令牌（至少 32 字节；忽略末尾换行）。</translation>
    </message>
    <message>
        <source>Topic access rules and roles (JSON, see docs/CONFIG.md).</source>
        <translation>主题访问规则和角色（JSON，见 docs/CONFIG.md）。</translation>
    </message>
    <message>
        <source>Cookie that may carry the token (default ssehub_token).</source>
        <translation>可携带令牌的 Cookie 名（默认 ssehub_token）。</translation>
    </message>
    <message>
        <source>Clock skew allowed on a token's exp and nbf (default 30s).</source>
        <translation>令牌 exp 和 nbf 允许的时钟偏差（默认 30s）。</translation>
    </message>
    <message>
        <source>Serve HTTPS with this certificate chain (PEM).</source>
        <translation>使用该证书链（PEM）提供 HTTPS。</translation>
    </message>
    <message>
        <source>The private key of --tls-cert (PEM, unencrypted).</source>
        <translation>--tls-cert 的私钥（PEM，未加密）。</translation>
    </message>
    <message>
        <source>Require client certificates signed by this CA (PEM); the certificate's CN becomes the client id.</source>
        <translation>要求客户端出示由该 CA（PEM）签发的证书；证书的 CN 作为客户端 ID。</translation>
    </message>
    <message>
        <source>Topic filters per stream or subscription request (default 64).</source>
        <translation>每个流或订阅请求的主题过滤器数量上限（默认 64）。</translation>
    </message>
    <message>
        <source>Longest topic or filter in bytes (default and maximum 256).</source>
        <translation>主题或过滤器的最大字节数（默认且最大 256）。</translation>
    </message>
    <message>
        <source>Time a client has to send one complete request; slower ones get 408 and are closed (default 15s).</source>
        <translation>客户端发送一个完整请求的时限；超时返回 408 并关闭连接（默认 15s）。</translation>
    </message>
    <message>
        <source>Open streams at most (default 10000; 0: no limit).</source>
        <translation>同时打开的流数上限（默认 10000；0：不限制）。</translation>
    </message>
    <message>
        <source>Streams from one address at most (default 0: no limit).</source>
        <translation>单个地址的流数上限（默认 0：不限制）。</translation>
    </message>
    <message>
        <source>Streams of one client id at most (default 64; 0: no limit).</source>
        <translation>单个客户端 ID 的流数上限（默认 64；0：不限制）。</translation>
    </message>
    <message>
        <source>Publishes per second per client, or per address for anonymous publishers (default 0: no limit).</source>
        <translation>每个客户端（匿名发布者按地址）每秒的发布次数上限（默认 0：不限制）。</translation>
    </message>
    <message>
        <source>Publishes allowed in a burst (default: twice the rate).</source>
        <translation>允许突发的发布次数（默认：速率的两倍）。</translation>
    </message>
    <message>
        <source>Language of the console (e.g. zh_CN, en; default: the system's).</source>
        <translation>控制台语言（例如 zh_CN、en；默认跟随系统）。</translation>
    </message>
    <message>
        <source>Write the connection log to FILE when ssehub exits (.csv: CSV, otherwise JSON Lines).</source>
        <translation>ssehub 退出时把连接日志写入 FILE（.csv 为 CSV，否则为 JSON Lines）。</translation>
    </message>
    <message>
        <source>Append the connection log to FILE as JSON Lines, rotated by size.</source>
        <translation>以 JSON Lines 格式把连接日志追加到 FILE，按大小轮转。</translation>
    </message>
    <message>
        <source>Size at which --log-file is rotated (default 10M).</source>
        <translation>--log-file 轮转的大小（默认 10M）。</translation>
    </message>
    <message>
        <source>Rotated log files kept (default 5).</source>
        <translation>保留的轮转日志文件数（默认 5）。</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>多余的参数：%1</translation>
    </message>
    <message>
        <source>a duration of at least 1ms, e.g. 30s or 500ms</source>
        <translation>至少 1ms 的时长，例如 30s 或 500ms</translation>
    </message>
    <message>
        <source>a duration, e.g. 3000ms or 3s</source>
        <translation>一个时长，例如 3000ms 或 3s</translation>
    </message>
    <message>
        <source>a count from 0 to 10000000</source>
        <translation>0 到 10000000 之间的数量</translation>
    </message>
    <message>
        <source>a size from 1K to 4G, e.g. 1M</source>
        <translation>1K 到 4G 之间的大小，例如 1M</translation>
    </message>
    <message>
        <source>a size from 256 to 64M</source>
        <translation>256 到 64M 之间的大小</translation>
    </message>
    <message>
        <source>a duration, e.g. 7d or 12h</source>
        <translation>一个时长，例如 7d 或 12h</translation>
    </message>
    <message>
        <source>the subscription durations must satisfy grace &lt;= archive-after &lt;= delete-after</source>
        <translation>订阅时长必须满足 grace &lt;= archive-after &lt;= delete-after</translation>
    </message>
    <message>
        <source>a count from 0 (no limit) to 1000000</source>
        <translation>0（不限制）到 1000000 之间的数量</translation>
    </message>
    <message>
        <source>a count from 1 to 1024</source>
        <translation>1 到 1024 之间的数量</translation>
    </message>
    <message>
        <source>a length from 1 to 256</source>
        <translation>1 到 256 之间的长度</translation>
    </message>
    <message>
        <source>a duration from 100ms to 1h</source>
        <translation>100ms 到 1h 之间的时长</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 30s</source>
        <translation>不超过 1h 的时长，例如 30s</translation>
    </message>
    <message>
        <source>a size of at least 4K, e.g. 10M</source>
        <translation>至少 4K 的大小，例如 10M</translation>
    </message>
    <message>
        <source>a count from 1 to 1000</source>
        <translation>1 到 1000 之间的数量</translation>
    </message>
    <message>
        <source>cannot read the config file %1: %2</source>
        <translation>无法读取配置文件 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a JSON object: %2 (at byte %3)</source>
        <translation>%1 不是 JSON 对象：%2（第 %3 字节）</translation>
    </message>
    <message>
        <source>expected { ... }</source>
        <translation>应为 { ... }</translation>
    </message>
    <message>
        <source>%1: unknown key (see docs/CONFIG.md for the keys; they are the option names)</source>
        <translation>%1：未知的键（键名即选项名，见 docs/CONFIG.md）</translation>
    </message>
    <message>
        <source>%1 must be %2</source>
        <translation>%1 必须是%2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation> true 或 false</translation>
    </message>
    <message>
        <source>an array of strings</source>
        <translation>字符串数组</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>a size (a number of bytes or a string such as "1M")</source>
        <translation>大小（字节数，或 "1M" 这样的字符串）</translation>
    </message>
    <message>
        <source>a duration (seconds or a string such as "500ms")</source>
        <translation>时长（秒数，或 "500ms" 这样的字符串）</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>%1 takes 1 or 0, not '%2'</source>
        <translation>%1 需要 1 或 0，而不是 '%2'</translation>
    </message>
    <message>
        <source>Read settings from this JSON file (default: ~/.config/ssehub/ssehub.json if it exists). Environment variables SSEHUB_&lt;OPTION&gt; override it, options override both.</source>
        <translation>从该 JSON 文件读取设置（默认：存在时读取 ~/.config/ssehub/ssehub.json）。环境变量 SSEHUB_&lt;选项&gt; 覆盖文件，命令行选项覆盖两者。</translation>
    </message>
    <message>
        <source>Print the effective configuration (secrets masked) and exit.</source>
        <translation>打印生效的配置（隐藏机密信息）后退出。</translation>
    </message>
    <message>
        <source>Log lines as 'text' (default) or 'json' (JSON Lines).</source>
        <translation>日志格式：'text'（默认）或 'json'（JSON Lines）。</translation>
    </message>
    <message>
        <source>Lowest level logged: debug, info (default), warning or error.</source>
        <translation>记录的最低级别：debug、info（默认）、warning 或 error。</translation>
    </message>
    <message>
        <source>Count events per topic in GET /metrics for these topics (repeatable; default none).</source>
        <translation>在 GET /metrics 中按主题统计这些主题的事件数（可重复；默认不统计）。</translation>
    </message>
    <message>
        <source>On shutdown, time given to streams to take what is queued for them before they are closed (default 5s).</source>
        <translation>关闭时，在断开流之前给它们发送完排队数据的时间（默认 5s）。</translation>
    </message>
    <message>
        <source>%1 takes text or json, not '%2'</source>
        <translation>%1 需要 text 或 json，而不是 '%2'</translation>
    </message>
    <message>
        <source>%1 takes debug, info, warning or error, not '%2'</source>
        <translation>%1 需要 debug、info、warning 或 error，而不是 '%2'</translation>
    </message>
    <message>
        <source>%1 takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%2'</source>
        <translation>%1 需要 地址:端口，例如 127.0.0.1:8080 或 [::1]:8080，而不是 '%2'</translation>
    </message>
    <message>
        <source>%1 takes %2, not '%3'</source>
        <translation>%1 需要%2，而不是 '%3'</translation>
    </message>
    <message>
        <source>%1 takes a cookie name, not '%2'</source>
        <translation>%1 需要一个 Cookie 名，而不是 '%2'</translation>
    </message>
    <message>
        <source>a duration up to 10m, e.g. 5s</source>
        <translation>不超过 10m 的时长，例如 5s</translation>
    </message>
    <message>
        <source>A host name requests may use besides the listen address and localhost (repeatable; '*' turns the check off).</source>
        <translation>除监听地址和 localhost 之外，请求可以使用的主机名（可重复；'*' 表示关闭该检查）。</translation>
    </message>
    <message>
        <source>Memory the replay history may hold; the oldest events go first (default 64M; 0 disables replay).</source>
        <translation>重放历史可占用的内存；超出时最早的事件先被移除（默认 64M；0 表示禁用重放）。</translation>
    </message>
    <message>
        <source>Accept tokens that never expire (no exp, or exp 0); by default they are refused.</source>
        <translation>接受永不过期的令牌（没有 exp，或 exp 为 0）；默认拒绝此类令牌。</translation>
    </message>
    <message>
        <source>a size from 0 to 1024G, e.g. 64M</source>
        <translation>0 到 1024G 之间的大小，例如 64M</translation>
    </message>
    <message>
        <source>Clients the hub knows at once, named or not (default 100000; 0: no limit).</source>
        <translation>服务器同时记录的客户端数，无论是否命名（默认 100000；0 表示不限）。</translation>
    </message>
    <message>
        <source>Active subscriptions of all clients together (default 1000000; 0: no limit).</source>
        <translation>所有客户端合计的有效订阅数（默认 1000000；0 表示不限）。</translation>
    </message>
    <message>
        <source>Open the console attached to the ssehub running at URL (http:// or https://) instead of starting an engine.</source>
        <translation>打开连接到 URL（http:// 或 https://）上正在运行的 ssehub 的控制台，而不是启动引擎。</translation>
    </message>
    <message>
        <source>With --connect: an admin token (JWT) for the server, read from FILE.</source>
        <translation>与 --connect 一起使用：该服务器的管理员令牌（JWT），从 FILE 读取。</translation>
    </message>
    <message>
        <source>With --connect: a PEM CA certificate that signed the server's certificate (added to the system's).</source>
        <translation>与 --connect 一起使用：签发服务器证书的 PEM CA 证书（添加到系统 CA 中）。</translation>
    </message>
    <message>
        <source>With --connect: a PEM client certificate, for a server that asks for one (with --client-key).</source>
        <translation>与 --connect 一起使用：PEM 客户端证书，用于要求客户端证书的服务器（需同时给出 --client-key）。</translation>
    </message>
    <message>
        <source>With --connect: the unencrypted PEM key of --client-cert.</source>
        <translation>与 --connect 一起使用：--client-cert 的未加密 PEM 私钥。</translation>
    </message>
    <message>
        <source>--%1 is for the console attached with --connect URL</source>
        <translation>--%1 只用于通过 --connect URL 连接的控制台</translation>
    </message>
    <message>
        <source>--connect opens the console; it cannot be combined with --headless</source>
        <translation>--connect 会打开控制台，不能与 --headless 同时使用</translation>
    </message>
    <message>
        <source>--connect takes an http:// or https:// URL, not '%1'</source>
        <translation>--connect 需要 http:// 或 https:// URL，而不是 '%1'</translation>
    </message>
    <message>
        <source>--client-cert and --client-key go together</source>
        <translation>--client-cert 和 --client-key 必须同时给出</translation>
    </message>
    <message>
        <source>%1 must be an http:// or https:// URL with a host and without credentials, query or fragment, not '%2'</source>
        <translation>%1 必须是带主机名的 http:// 或 https:// URL，不能含凭据、查询或片段，而不是 '%2'</translation>
    </message>
    <message>
        <source>Accept tokens signed with the private key of this PEM public key: RSA (RS256-512, PS256-512), EC P-256/P-384 (ES256/384) or Ed25519 (EdDSA) (repeatable).</source>
        <translation>接受由此 PEM 公钥对应私钥签名的令牌：RSA（RS256-512、PS256-512）、EC P-256/P-384（ES256/384）或 Ed25519（EdDSA）（可重复）。</translation>
    </message>
    <message>
        <source>Accept tokens signed with the keys of this JWKS document (an identity provider's jwks_uri), fetched at start and refreshed as its Cache-Control says.</source>
        <translation>接受由此 JWKS 文档（身份提供方的 jwks_uri）中的密钥签名的令牌；启动时获取，并按其 Cache-Control 刷新。</translation>
    </message>
    <message>
        <source>Shortest time between two fetches of the JWKS, also when tokens name unknown keys (default 30s).</source>
        <translation>两次获取 JWKS 之间的最短间隔，令牌指向未知密钥时亦然（默认 30s）。</translation>
    </message>
    <message>
        <source>a duration from 1s to 24h, e.g. 30s</source>
        <translation>1s 到 24h 之间的时长，例如 30s</translation>
    </message>
    <message>
        <source>Longest time a fetched JWKS is kept before it is fetched again, whatever its max-age (default 1h).</source>
        <translation>已获取的 JWKS 在重新获取前最多保留的时间，不论其 max-age（默认 1h）。</translation>
    </message>
    <message>
        <source>a duration from 1s to 7d, e.g. 1h</source>
        <translation>1s 到 7d 之间的时长，例如 1h</translation>
    </message>
    <message>
        <source>Accept only tokens whose iss is exactly ISSUER (default: any).</source>
        <translation>只接受 iss 恰为 ISSUER 的令牌（默认：不限）。</translation>
    </message>
    <message>
        <source>Accept only tokens whose aud names AUDIENCE (repeatable: any of them; default: any).</source>
        <translation>只接受 aud 包含 AUDIENCE 的令牌（可重复：满足其一即可；默认：不限）。</translation>
    </message>
    <message>
        <source>%1 must be an http:// or https:// URL with a host and without credentials or fragment, not '%2'</source>
        <translation>%1 必须是带主机名、不含凭据和片段的 http:// 或 https:// URL，而不是 '%2'</translation>
    </message>
    <message>
        <source>Ask this backend URL (a JSON POST) whether a stream, subscription or publish without a token may go ahead (cookie sessions).</source>
        <translation>向此后端 URL（JSON POST）询问没有令牌的流、订阅或发布是否可以进行（Cookie 会话）。</translation>
    </message>
    <message>
        <source>How long the auth hook may take before the request is refused with 503 (default 2s).</source>
        <translation>认证钩子最长可用的应答时间，超时则以 503 拒绝请求（默认 2s）。</translation>
    </message>
    <message>
        <source>a duration from 100ms to 30s, e.g. 2s</source>
        <translation>100ms 到 30s 之间的时长，例如 2s</translation>
    </message>
    <message>
        <source>The longest an auth hook answer is remembered, whatever its max-age (default 1m; 0: never).</source>
        <translation>认证钩子的应答最多缓存多久，不论其 max-age（默认 1m；0：不缓存）。</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 1m</source>
        <translation>不超过 1h 的时长，例如 1m</translation>
    </message>
    <message>
        <source>Also ask the auth hook about tokens that do not verify here, instead of refusing them with 401.</source>
        <translation>对本地无法验证的令牌也询问认证钩子，而不是以 401 拒绝。</translation>
    </message>
    <message>
        <source>Publish join and leave events on $SYS/presence/&lt;topic&gt; for subscriptions to topics this filter matches (repeatable, e.g. chat/#; default none).</source>
        <translation>对该过滤器匹配的主题的订阅，在 $SYS/presence/&lt;主题&gt; 上发布加入和离开事件（可重复，例如 chat/#；默认无）。</translation>
    </message>
    <message>
        <source>Publish the hub's figures on $SYS/hub/nodes/&lt;node&gt; this often (default 5s; 0 turns them off).</source>
        <translation>按此间隔在 $SYS/hub/nodes/&lt;节点&gt; 上发布服务器的统计数据（默认 5s；0 表示关闭）。</translation>
    </message>
    <message>
        <source>a duration up to 1h, e.g. 5s; 0 for none</source>
        <translation>不超过 1h 的时长，例如 5s；0 表示不发布</translation>
    </message>
    <message>
        <source>Events published longer ago than this leave the replay history (default 0: no age limit; e.g. 1h, 7d).</source>
        <translation>发布时间早于该时长的事件将移出重放历史（默认 0：不限时长；例如 1h、7d）。</translation>
    </message>
    <message>
        <source>a duration, e.g. 1h or 7d (0: no age limit)</source>
        <translation>一个时长，例如 1h 或 7d（0：不限时长）</translation>
    </message>
    <message>
        <source>Presence events published per second at most; those beyond are dropped and counted (default 1000; 0: no bound).</source>
        <translation>每秒最多发布的在线事件数；超出的被丢弃并计数（默认 1000；0 表示不限）。</translation>
    </message>
    <message>
        <source>a count from 0 to 1000000</source>
        <translation>0 到 1000000 之间的数</translation>
    </message>
    <message>
        <source>GET /presence: clients looked at per second, all questions together; beyond it questions get 503 (default 200000; 0: no bound).</source>
        <translation>GET /presence：所有查询合计每秒最多检查的客户端数；超出后返回 503（默认 200000；0 表示不限）。</translation>
    </message>
    <message>
        <source>a count from 0 to 1000000000</source>
        <translation>0 到 1000000000 之间的数</translation>
    </message>
    <message>
        <source>%1 takes HOST:PORT, e.g. 10.0.0.5:26379, not '%2'</source>
        <translation>%1 需要 主机:端口，例如 10.0.0.5:26379，而不是 '%2'</translation>
    </message>
    <message>
        <source>%1 takes 1 to 64 characters without spaces, glob characters (*?[]\) or braces, not '%2'</source>
        <translation>%1 需要 1 到 64 个字符，不含空格、通配字符（*?[]\）和花括号，而不是 '%2'</translation>
    </message>
</context>
<context>
    <name>ssehub::ClientsModel</name>
    <message>
        <source>%1 (%2 paused)</source>
        <translation>%1（%2 个已暂停）</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>No stream of this client since the server started.</source>
        <translation>服务器启动以来该客户端没有过流。</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>anonymous</source>
        <translation>匿名</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
    <message>
        <source>Acked cursor</source>
        <translation>已确认游标</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
</context>
<context>
    <name>ssehub::ClientsView</name>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>Search client id, address, filter…</source>
        <translation>搜索客户端 ID、地址、过滤器…</translation>
    </message>
    <message>
        <source>Online and offline</source>
        <translation>在线和离线</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Pause all subscriptions</source>
        <translation>暂停全部订阅</translation>
    </message>
    <message>
        <source>Resume all subscriptions</source>
        <translation>恢复全部订阅</translation>
    </message>
    <message>
        <source>Copy client id</source>
        <translation>复制客户端 ID</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>过滤器</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Expire…</source>
        <translation>使过期…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Clients not read: %1</source>
        <translation>未能读取客户端：%1</translation>
    </message>
    <message>
        <source>0 of %1 shown</source>
        <translation>显示 0 / %1</translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / %2</translation>
    </message>
    <message>
        <source>%1-%2 of %3 shown (%4 known)</source>
        <translation>显示 %1-%2 / %3（共知 %4 个）</translation>
    </message>
    <message>
        <source>Cluster: every stored client of the cluster; streams, addresses and last seen are those of node %1.</source>
        <translation>集群：列出集群中所有已保存的客户端；流、地址和最后在线时间仅为节点 %1 上的。</translation>
    </message>
    <message>
        <source>Select a client to see its subscriptions.</source>
        <translation>选择一个客户端以查看其订阅。</translation>
    </message>
    <message numerus="yes">
        <source>Client %1: online, %n stream(s)</source>
        <translation><numerusform>客户端 %1：在线，%n 个流</numerusform></translation>
    </message>
    <message>
        <source>Client %1: offline</source>
        <translation>客户端 %1：离线</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>来自 %1</translation>
    </message>
    <message>
        <source>last seen %1</source>
        <translation>最后在线 %1</translation>
    </message>
    <message>
        <source>not since the server started</source>
        <translation>服务器启动以来未出现</translation>
    </message>
    <message>
        <source>acked cursor %1</source>
        <translation>已确认游标 %1</translation>
    </message>
    <message>
        <source>no acked cursor</source>
        <translation>无已确认游标</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>anonymous (forgotten with its last stream)</source>
        <translation>匿名（最后一个流结束后即被遗忘）</translation>
    </message>
    <message>
        <source>%1 of %2 subscriptions shown</source>
        <translation>显示 %1 / %2 个订阅</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>Expire subscription</source>
        <translation>使订阅过期</translation>
    </message>
    <message>
        <source>Delete subscription</source>
        <translation>删除订阅</translation>
    </message>
    <message>
        <source>Expire</source>
        <translation>使过期</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Expire subscription %1 of client %2 now?</source>
        <translation>立即使客户端 %2 的订阅 %1 过期？</translation>
    </message>
    <message>
        <source>Its streams stop receiving it; it can be renewed within the grace period.</source>
        <translation>其流将不再收到该订阅的事件；宽限期内可以续订。</translation>
    </message>
    <message>
        <source>Delete subscription %1 of client %2?</source>
        <translation>删除客户端 %2 的订阅 %1？</translation>
    </message>
    <message>
        <source>Its streams stop receiving it at once, and it is gone for good.</source>
        <translation>其流立即不再收到该订阅的事件，且无法恢复。</translation>
    </message>
</context>
<context>
    <name>ssehub::ClusterView</name>
    <message>
        <source>Cluster mode is off: this instance uses the embedded broker. Set a Redis URL in Settings (or start with --redis) to share events with other instances.</source>
        <translation>集群模式未开启：本实例使用内置代理。在设置中填写 Redis URL（或以 --redis 启动）即可与其他实例共享事件。</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s) registered in Redis.</source>
        <translation><numerusform>Redis 中注册了 %n 个实例。</numerusform></translation>
    </message>
    <message>
        <source>The first %1 by id are listed.</source>
        <translation>按 ID 列出前 %1 个。</translation>
    </message>
    <message numerus="yes">
        <source>The console reads the feed of each node at the admin URL it advertises: %n live</source>
        <translation><numerusform>控制台按各节点发布的管理 URL 读取其数据流：%n 个在线</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>, %n not reachable (their streams and log are not shown)</source>
        <translation><numerusform>，%n 个无法连接（不显示其流和日志）</numerusform></translation>
    </message>
    <message>
        <source>It follows at most %1 nodes; the others are not shown.</source>
        <translation>最多跟踪 %1 个节点，其余节点不显示。</translation>
    </message>
</context>
<context>
    <name>ssehub::Confirmation</name>
    <message>
        <source>Reason (optional; the clients and the log see it):</source>
        <translation>原因（可选；客户端和日志都会看到）：</translation>
    </message>
    <message>
        <source>e.g. maintenance, misbehaving client</source>
        <translation>例如：维护、客户端行为异常</translation>
    </message>
    <message>
        <source>Don't ask again this session</source>
        <translation>本次会话中不再询问</translation>
    </message>
    <message>
        <source>Too long: at most %1 bytes of UTF-8 (%2 now).</source>
        <translation>太长：最多 %1 字节 UTF-8（当前 %2 字节）。</translation>
    </message>
    <message>
        <source>The reason holds characters that cannot be sent.</source>
        <translation>原因中含有无法发送的字符。</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectDialog</name>
    <message>
        <source>Connect to server</source>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <source>http://127.0.0.1:8080 or https://hub.example:8443</source>
        <translation>http://127.0.0.1:8080 或 https://hub.example:8443</translation>
    </message>
    <message>
        <source>or paste a token: kept for this session only</source>
        <translation>或粘贴令牌：仅在本次会话中保留</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>服务器 URL：</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt *.key);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Admin token file:</source>
        <translation>管理员令牌文件：</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>CA certificate (self-signed server):</source>
        <translation>CA 证书（自签名服务器）：</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>客户端证书：</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>客户端私钥：</translation>
    </message>
    <message>
        <source>The console remembers the server's URL and the paths of these files, never a token.</source>
        <translation>控制台会记住服务器的 URL 和这些文件的路径，从不保存令牌。</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectGuide</name>
    <message>
        <source>Connect a first client</source>
        <translation>连接第一个客户端</translation>
    </message>
    <message>
        <source>In a web page:</source>
        <translation>在网页中：</translation>
    </message>
    <message>
        <source>Subscribe from a shell:</source>
        <translation>在终端中订阅：</translation>
    </message>
    <message>
        <source>Publish an event:</source>
        <translation>发布一个事件：</translation>
    </message>
    <message>
        <source>Open the demo page</source>
        <translation>打开演示页面</translation>
    </message>
    <message>
        <source>A page served by this hub that subscribes and publishes</source>
        <translation>由本服务器提供的页面，可订阅和发布事件</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>No client is connected yet. Clients subscribe with Server-Sent Events at %1/events and publish with POST %1/publish:</source>
        <translation>尚无客户端连接。客户端通过 Server-Sent Events 在 %1/events 订阅，并通过 POST %1/publish 发布：</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectionsModel</name>
    <message>
        <source>replaying</source>
        <translation>重放中</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>缓慢</translation>
    </message>
    <message>
        <source>closing</source>
        <translation>关闭中</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>健康</translation>
    </message>
    <message>
        <source>late</source>
        <translation>延迟</translation>
    </message>
    <message numerus="yes">
        <source>%1 (+%n paused)</source>
        <translation><numerusform>%1（另有 %n 个已暂停）</numerusform></translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>客户端 ID</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>过滤器</translation>
    </message>
    <message>
        <source>Last write</source>
        <translation>上次写入</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message numerus="yes">
        <source>(%n paused)</source>
        <translation><numerusform>（%n 个已暂停）</numerusform></translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>The stream's number on its server</source>
        <translation>该流在其服务器上的编号</translation>
    </message>
    <message>
        <source>The peer's address and port</source>
        <translation>对端的地址和端口</translation>
    </message>
    <message>
        <source>When the stream connected (the date only when not today)</source>
        <translation>该流的连接时间（不是今天时才显示日期）</translation>
    </message>
    <message>
        <source>Events sent to the stream</source>
        <translation>已发送给该流的事件数</translation>
    </message>
    <message>
        <source>Bytes sent to the stream</source>
        <translation>已发送给该流的字节数</translation>
    </message>
    <message>
        <source>Bytes waiting in the stream's own queue (amber from a quarter of the queue limit, red from three quarters)</source>
        <translation>在该流自身队列中等待的字节数（达到队列上限的四分之一时为琥珀色，达到四分之三时为红色）</translation>
    </message>
    <message>
        <source>Time since the kernel last took bytes for the stream (data or ping)</source>
        <translation>自内核上次为该流取走字节（数据或心跳）以来的时间</translation>
    </message>
    <message>
        <source>Late after 1.5 heartbeat intervals without a write, stalled after three</source>
        <translation>超过 1.5 个心跳间隔没有写入为延迟，超过三个为停滞</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>连接时间</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队</translation>
    </message>
</context>
<context>
    <name>ssehub::ConnectionsView</name>
    <message>
        <source>Filter by client id, address, user agent, topic…</source>
        <translation>按客户端 ID、地址、User-Agent、主题筛选…</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation>复制 ID</translation>
    </message>
    <message>
        <source>Select a stream to see its subscriptions and last events.</source>
        <translation>选择一个流以查看其订阅和最近事件。</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>过滤器</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <source>Stream %1 has ended.</source>
        <translation>流 %1 已结束。</translation>
    </message>
    <message>
        <source>Stream %1 of client %2</source>
        <translation>客户端 %2 的流 %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>No recent events for this stream.</source>
        <translation>该流没有最近事件。</translation>
    </message>
    <message>
        <source>Stream %1: %2</source>
        <translation>流 %1：%2</translation>
    </message>
    <message>
        <source>Stream %1 of client %2 on node %3</source>
        <translation>节点 %3 上客户端 %2 的流 %1</translation>
    </message>
    <message>
        <source>End the selected streams (asks first; Ctrl or Shift selects several)</source>
        <translation>断开所选的流（会先确认；按住 Ctrl 或 Shift 可多选）</translation>
    </message>
    <message>
        <source>Disconnect streams</source>
        <translation>断开流</translation>
    </message>
    <message>
        <source>Disconnect stream %1 of client %2?</source>
        <translation>断开客户端 %2 的流 %1？</translation>
    </message>
    <message numerus="yes">
        <source>Disconnect %n selected stream(s)?</source>
        <translation><numerusform>断开所选的 %n 个流？</numerusform></translation>
    </message>
    <message>
        <source>Each client reads the reason in an `event: disconnect`, then its stream ends. Browsers reconnect after their retry time; to keep a client away, pause its subscriptions or change the access rules.</source>
        <translation>每个客户端会在 `event: disconnect` 中读到原因，随后其流结束。浏览器会在重试间隔后重新连接；若要阻止客户端回来，请暂停其订阅或修改访问规则。</translation>
    </message>
    <message numerus="yes">
        <source>Disconnect %n stream(s)</source>
        <translation><numerusform>断开 %n 个流</numerusform></translation>
    </message>
    <message>
        <source>Pause subscriptions</source>
        <translation>暂停订阅</translation>
    </message>
    <message>
        <source>Resume subscriptions</source>
        <translation>恢复订阅</translation>
    </message>
    <message numerus="yes">
        <source>Pause the clients of %n selected stream(s)?</source>
        <translation><numerusform>暂停所选 %n 个流的客户端？</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Resume the clients of %n selected stream(s)?</source>
        <translation><numerusform>恢复所选 %n 个流的客户端？</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Every subscription of %n client(s) is paused: their streams stay open but receive no events until resumed.</source>
        <translation><numerusform>%n 个客户端的所有订阅将被暂停：其流保持打开，但在恢复之前收不到事件。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Every subscription of %n client(s) is active again; events published meanwhile are not replayed.</source>
        <translation><numerusform>%n 个客户端的所有订阅将重新生效；期间发布的事件不会重放。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Pause %n client(s)</source>
        <translation><numerusform>暂停 %n 个客户端</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Resume %n client(s)</source>
        <translation><numerusform>恢复 %n 个客户端</numerusform></translation>
    </message>
</context>
<context>
    <name>ssehub::ConsoleSettings</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB</source>
        <translation>%1 大于 1 MiB</translation>
    </message>
    <message>
        <source>%1 is not a JSON object</source>
        <translation>%1 不是 JSON 对象</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 cannot be written</source>
        <translation>%1 不可写</translation>
    </message>
    <message>
        <source>%1 cannot be created (%2 is not a writable directory)</source>
        <translation>无法创建 %1（%2 不是可写目录）</translation>
    </message>
</context>
<context>
    <name>ssehub::EngineController</name>
    <message>
        <source>Stream %1 disconnected.</source>
        <translation>流 %1 已断开。</translation>
    </message>
    <message>
        <source>Stream %1 had already ended.</source>
        <translation>流 %1 已经结束。</translation>
    </message>
    <message>
        <source>Subscriptions of %1 paused.</source>
        <translation>%1 的订阅已暂停。</translation>
    </message>
    <message>
        <source>Subscriptions of %1 resumed.</source>
        <translation>%1 的订阅已恢复。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Tailing %1</source>
        <translation>正在跟踪 %1</translation>
    </message>
    <message>
        <source>Cannot tail: %1</source>
        <translation>无法跟踪：%1</translation>
    </message>
    <message numerus="yes">
        <source>Published event %1 to %n stream(s).</source>
        <translation><numerusform>事件 %1 已发布到 %n 个流。</numerusform></translation>
    </message>
    <message>
        <source>Not published: %1</source>
        <translation>未发布：%1</translation>
    </message>
    <message>
        <source>Reload failed: %1</source>
        <translation>重新加载失败：%1</translation>
    </message>
    <message>
        <source>Stream %1 not disconnected: %2</source>
        <translation>流 %1 未断开：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s) disconnected.</source>
        <translation><numerusform>已断开 %n 个流。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n had already ended.</source>
        <translation><numerusform>%n 个已经结束。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n not disconnected: %1</source>
        <translation><numerusform>%n 个未能断开：%1</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Subscriptions of %n client(s) paused.</source>
        <translation><numerusform>已暂停 %n 个客户端的订阅。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Subscriptions of %n client(s) resumed.</source>
        <translation><numerusform>已恢复 %n 个客户端的订阅。</numerusform></translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1，%2：%3</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 paused.</source>
        <translation>%2 的订阅 %1 已暂停。</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 resumed.</source>
        <translation>%2 的订阅 %1 已恢复。</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 expired.</source>
        <translation>%2 的订阅 %1 已过期。</translation>
    </message>
    <message>
        <source>Subscription %1 of %2 deleted.</source>
        <translation>%2 的订阅 %1 已删除。</translation>
    </message>
</context>
<context>
    <name>ssehub::FeedConnection</name>
    <message>
        <source>the server answered HTTP %1</source>
        <translation>服务器返回 HTTP %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>%1 answers, but not with a console feed (is it an ssehub?)</source>
        <translation>%1 有应答，但不是控制台数据流（它是 ssehub 吗？）</translation>
    </message>
    <message>
        <source>an event it could not read</source>
        <translation>无法读取的事件</translation>
    </message>
    <message>
        <source>the feed could not be read (%1); starting over</source>
        <translation>无法读取数据流（%1）；重新开始</translation>
    </message>
    <message>
        <source>the server sent an event larger than %1 MiB</source>
        <translation>服务器发送了大于 %1 MiB 的事件</translation>
    </message>
    <message>
        <source>The server refused the token: %1</source>
        <translation>服务器拒绝了令牌：%1</translation>
    </message>
    <message>
        <source>The server asks for an admin token: %1. Give one in File &gt; Connect to server…</source>
        <translation>服务器要求管理员令牌：%1。请在“文件 &gt; 连接到服务器…”中提供</translation>
    </message>
    <message>
        <source>The server refused these credentials: %1</source>
        <translation>服务器拒绝了这些凭据：%1</translation>
    </message>
    <message>
        <source>the server answered the feed with %1</source>
        <translation>服务器对数据流的应答为 %1</translation>
    </message>
    <message>
        <source>the server closed the feed</source>
        <translation>服务器关闭了数据流</translation>
    </message>
    <message>
        <source>nothing came from the server for %1 s</source>
        <translation>服务器 %1 秒内没有任何数据</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2</source>
        <translation>无法连接 %1：%2</translation>
    </message>
    <message>
        <source>the answer was larger than %1 MiB</source>
        <translation>应答大于 %1 MiB</translation>
    </message>
    <message>
        <source>no answer within %1 s</source>
        <translation>%1 秒内没有应答</translation>
    </message>
    <message>
        <source>replaced by a newer tail</source>
        <translation>已被新的实时跟踪取代</translation>
    </message>
    <message>
        <source>not connected to the server</source>
        <translation>未连接到服务器</translation>
    </message>
</context>
<context>
    <name>ssehub::HealthView</name>
    <message>
        <source>Reaped by the engine (dead)</source>
        <translation>被引擎回收（失联）</translation>
    </message>
    <message>
        <source>A stream is late (amber) after 1.5 heartbeat intervals without a successful write or ping, and stalled (red) after three: its peer is gone or reads slowly. The engine closes a stream as dead when its peer stops acknowledging altogether. Bytes queued turn amber at a quarter of the queue limit and red at three quarters: a peer that acknowledges but reads slowly is closed as a slow consumer when its queue passes the limit.</source>
        <translation>超过 1.5 个心跳间隔没有成功写入或 ping 的流标为延迟（琥珀色），超过三个间隔标为停滞（红色）：其对端已断开或读取缓慢。对端完全不再确认数据时，引擎将该流作为失联关闭。排队字节达到队列上限的四分之一时标为琥珀色，达到四分之三时标为红色：仍在确认但读取缓慢的对端在队列超过上限时作为慢消费者被关闭。</translation>
    </message>
    <message>
        <source>%1  stream %2  %3  %4</source>
        <translation>%1  流 %2  %3  %4</translation>
    </message>
    <message>
        <source>Only late or stalled</source>
        <translation>仅显示延迟或停滞</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; healthy · &lt;span style='color:%6'&gt;&lt;b&gt;%2&lt;/b&gt; late&lt;/span&gt; · &lt;span style='color:%7'&gt;&lt;b&gt;%3&lt;/b&gt; stalled&lt;/span&gt; · %4 reaped as dead since start · heartbeat every %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 健康 · &lt;span style='color:%6'&gt;&lt;b&gt;%2&lt;/b&gt; 延迟&lt;/span&gt; · &lt;span style='color:%7'&gt;&lt;b&gt;%3&lt;/b&gt; 停滞&lt;/span&gt; · 启动以来回收失联流 %4 个 · 心跳间隔 %5</translation>
    </message>
</context>
<context>
    <name>ssehub::HistoryModel</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>负载</translation>
    </message>
</context>
<context>
    <name>ssehub::HistoryView</name>
    <message>
        <source>Topic or filter, e.g. sensor/+/data (empty: every topic)</source>
        <translation>主题或过滤器，例如 sensor/+/data（留空：所有主题）</translation>
    </message>
    <message>
        <source>From: event id or time</source>
        <translation>起始：事件 ID 或时间</translation>
    </message>
    <message>
        <source>The first event to show: an event id, or a time such as 14:05, 14:05:30 or 2026-12-02 14:05:30 (local time)</source>
        <translation>要显示的第一个事件：事件 ID，或时间，例如 14:05、14:05:30 或 2026-12-02 14:05:30（本地时间）</translation>
    </message>
    <message>
        <source>To: event id or time</source>
        <translation>截止：事件 ID 或时间</translation>
    </message>
    <message>
        <source>The last event to show: an event id (included), or a time (events published before it)</source>
        <translation>要显示的最后一个事件：事件 ID（包含该事件），或时间（在此之前发布的事件）</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新在前</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早在前</translation>
    </message>
    <message>
        <source> per page</source>
        <translation> 条/页</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Choose a topic filter and press Show.</source>
        <translation>选择主题过滤器，然后点击“显示”。</translation>
    </message>
    <message>
        <source>Newer</source>
        <translation>较新</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>较早</translation>
    </message>
    <message>
        <source>Select an event to see its payload.</source>
        <translation>选择一个事件以查看其负载。</translation>
    </message>
    <message>
        <source>A filter has at most %1 bytes.</source>
        <translation>过滤器最多 %1 字节。</translation>
    </message>
    <message>
        <source>A filter has no control characters.</source>
        <translation>过滤器不能包含控制字符。</translation>
    </message>
    <message>
        <source>'#' must be a whole level, and the last one (e.g. sensor/#).</source>
        <translation>'#' 必须独占一个层级，且只能是最后一级（例如 sensor/#）。</translation>
    </message>
    <message>
        <source>'+' must be a whole level (e.g. sensor/+/data).</source>
        <translation>'+' 必须独占一个层级（例如 sensor/+/data）。</translation>
    </message>
    <message>
        <source>From must be an event id or a time such as 14:05:30.</source>
        <translation>起始必须是事件 ID 或时间，例如 14:05:30。</translation>
    </message>
    <message>
        <source>To must be an event id or a time such as 14:05:30.</source>
        <translation>截止必须是事件 ID 或时间，例如 14:05:30。</translation>
    </message>
    <message>
        <source>The server refused the query: %1</source>
        <translation>服务器拒绝了该查询：%1</translation>
    </message>
    <message>
        <source>No older events match.</source>
        <translation>没有更早的匹配事件。</translation>
    </message>
    <message>
        <source>No newer events match (yet).</source>
        <translation>（暂时）没有更新的匹配事件。</translation>
    </message>
    <message>
        <source>This page ends early: it holds %1 of events at most.</source>
        <translation>本页提前结束：每页最多容纳 %1 的事件。</translation>
    </message>
    <message>
        <source>The history is empty (it keeps up to %1 events and %2).</source>
        <translation>历史为空（最多保留 %1 个事件和 %2）。</translation>
    </message>
    <message>
        <source>Oldest retained event: %1 · the history holds %2 of %3 events and %4 of %5.</source>
        <translation>保留的最早事件：%1 · 历史中有 %2 / %3 个事件，%4 / %5。</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) on this page.</source>
        <translation><numerusform>本页 %n 个事件。</numerusform></translation>
    </message>
    <message>
        <source>Cluster mode: the events this server received for its own streams, not the whole cluster's history.</source>
        <translation>集群模式：仅为本服务器为自身的流收到的事件，而非整个集群的历史。</translation>
    </message>
</context>
<context>
    <name>ssehub::LinkBanner</name>
    <message>
        <source>Reconnect now</source>
        <translation>立即重连</translation>
    </message>
    <message>
        <source>Connect…</source>
        <translation>连接…</translation>
    </message>
    <message>
        <source>Attach to the running server</source>
        <translation>连接到正在运行的服务器</translation>
    </message>
    <message>
        <source>An ssehub is already running at %1, on the port the embedded server wants. Attach the console to it, or give the embedded server another port in Server &gt; Settings.</source>
        <translation>%1 上已有一个 ssehub 在运行，占用了内置服务器要使用的端口。可以让控制台连接到它，或在“服务 &gt; 设置”中为内置服务器换一个端口。</translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s</source>
        <translation><numerusform>%n 秒后重连</numerusform></translation>
    </message>
    <message>
        <source>reconnecting now</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <source>Connection to %1 lost at %2 (%3) - showing data from then; %4.</source>
        <translation>与 %1 的连接在 %2 断开（%3）——显示的是当时的数据；%4。</translation>
    </message>
    <message>
        <source>%1 - %2. Connect with other credentials, or wait: the console asks again every minute.</source>
        <translation>%1——%2。请使用其他凭据连接，或等待：控制台每分钟重试一次。</translation>
    </message>
    <message>
        <source>%1 - %2.</source>
        <translation>%1——%2。</translation>
    </message>
</context>
<context>
    <name>ssehub::LocalLink</name>
    <message>
        <source>The embedded server is stopped.</source>
        <translation>内置服务器已停止。</translation>
    </message>
</context>
<context>
    <name>ssehub::LogModel</name>
    <message>
        <source>connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>慢消费者</translation>
    </message>
    <message>
        <source>kick</source>
        <translation>踢出</translation>
    </message>
    <message>
        <source>subscribe</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>unsubscribe</source>
        <translation>取消订阅</translation>
    </message>
    <message>
        <source>lifecycle</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <source>auth failure</source>
        <translation>认证失败</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>客户端 ID</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>远端地址</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>broker</source>
        <translation>消息代理</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>%1
User agent: %2</source>
        <translation>%1
User-Agent：%2</translation>
    </message>
</context>
<context>
    <name>ssehub::LogView</name>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>最近 5 分钟</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>最近 15 分钟</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message numerus="yes">
        <source>This log is incomplete: %n entry(s) from the outage that began at %1 are missing (the server no longer held them when the console reconnected). The server's log file or GET /log may still have them.</source>
        <translation><numerusform>此日志不完整：从 %1 开始的断连期间缺少 %n 条记录（控制台重连时服务器已不再保留它们）。服务器的日志文件或 GET /log 可能还有这些记录。</numerusform></translation>
    </message>
    <message>
        <source>Search client id, address, reason, filter, detail…</source>
        <translation>搜索客户端 ID、地址、原因、过滤器、详情…</translation>
    </message>
    <message numerus="yes">
        <source>%n kind(s)</source>
        <translation><numerusform>%n 种类型</numerusform></translation>
    </message>
    <message>
        <source>Kinds shown: %1</source>
        <translation>显示的类型：%1</translation>
    </message>
    <message>
        <source>Exporting %1 of %2 entries (filtered)</source>
        <translation>导出 %2 条中的 %1 条（已筛选）</translation>
    </message>
    <message>
        <source>Exporting all %1 entries</source>
        <translation>导出全部 %1 条</translation>
    </message>
</context>
<context>
    <name>ssehub::MainWindow</name>
    <message>
        <source>ssehub console</source>
        <translation>ssehub 控制台</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>集群</translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation>停止服务器</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Export connection log…</source>
        <translation>导出连接日志(&amp;E)…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>Start server</source>
        <translation>启动服务器</translation>
    </message>
    <message>
        <source>Open &amp;demo page in the browser</source>
        <translation>在浏览器中打开演示页(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Publish test event…</source>
        <translation>发布测试事件(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Reload access rules</source>
        <translation>重新加载访问规则(&amp;R)</translation>
    </message>
    <message>
        <source>Read the ACL and token secret files again; live subscriptions that are no longer allowed are removed</source>
        <translation>重新读取 ACL 和令牌密钥文件；不再被允许的在线订阅会被移除</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About ssehub</source>
        <translation>关于 ssehub(&amp;A)</translation>
    </message>
    <message>
        <source>About ssehub</source>
        <translation>关于 ssehub</translation>
    </message>
    <message>
        <source>ssehub %1
Server-Sent Events hub with a monitoring console.</source>
        <translation>ssehub %1
带监控控制台的 Server-Sent Events 推送中心。</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>The server did not start: %1. Change the settings (Server &gt; Settings) and start it again.</source>
        <translation>服务器未能启动：%1。请修改设置（服务器 &gt; 设置）后重新启动。</translation>
    </message>
    <message>
        <source>Server stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>正在监听 %1</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Server stopped; every stream was closed.</source>
        <translation>服务器已停止；所有流均已关闭。</translation>
    </message>
    <message numerus="yes">
        <source>Engine restarted with the new settings on %1; %n stream(s) were closed and reconnect.</source>
        <translation><numerusform>引擎已按新设置在 %1 上重启；%n 个流已关闭并将重连。</numerusform></translation>
    </message>
    <message>
        <source>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check that redis-server runs at %2.</source>
        <translation>Redis 无法访问（%1）：发布请求将返回 503，流会等待其恢复。请检查 redis-server 是否在 %2 运行。</translation>
    </message>
    <message>
        <source>Broker: %1</source>
        <translation>代理：%1</translation>
    </message>
    <message>
        <source>Broker: %1 - events refused</source>
        <translation>代理：%1 - 拒绝事件</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>已运行 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s)</source>
        <translation><numerusform>%n 个流</numerusform></translation>
    </message>
    <message>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation>电子表格 CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n log entry(s) to %1.</source>
        <translation><numerusform>已将 %n 条日志导出到 %1。</numerusform></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message numerus="yes">
        <source>Stopping: %n stream(s) get what is queued for them and a shutdown notice (at most %1 s)…</source>
        <translation><numerusform>正在停止：%n 个流正在接收排队中的数据和停止通知（最多 %1 秒）…</numerusform></translation>
    </message>
    <message>
        <source>&amp;Connect to server…</source>
        <translation>连接到服务器(&amp;C)…</translation>
    </message>
    <message>
        <source>Watch an ssehub that runs elsewhere (a service, another machine)</source>
        <translation>监控在别处运行的 ssehub（系统服务、其他机器）</translation>
    </message>
    <message>
        <source>Use the &amp;embedded server</source>
        <translation>使用内置服务器(&amp;E)</translation>
    </message>
    <message>
        <source>Redis is unreachable (%1): publishes are refused with 503 and streams wait until it is back. Check the server's Redis.</source>
        <translation>Redis 无法访问（%1）：发布请求将以 503 拒绝，流会等待其恢复。请检查服务器的 Redis。</translation>
    </message>
    <message>
        <source>Cannot connect to %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <source>ssehub console - embedded server %1</source>
        <translation>ssehub 控制台 - 内置服务器 %1</translation>
    </message>
    <message>
        <source>ssehub console - embedded server (stopped)</source>
        <translation>ssehub 控制台 - 内置服务器（已停止）</translation>
    </message>
    <message>
        <source>ssehub console - %1 (live)</source>
        <translation>ssehub 控制台 - %1（实时）</translation>
    </message>
    <message>
        <source>ssehub console - %1 (connection lost, reconnecting)</source>
        <translation>ssehub 控制台 - %1（连接断开，正在重连）</translation>
    </message>
    <message>
        <source>ssehub console - %1 (refused)</source>
        <translation>ssehub 控制台 - %1（被拒绝）</translation>
    </message>
    <message>
        <source>ssehub console - %1 (connecting)</source>
        <translation>ssehub 控制台 - %1（正在连接）</translation>
    </message>
    <message>
        <source>The console is attached to %1: start, stop and configure it where it runs (its configuration file, systemctl). File &gt; Use the embedded server goes back.</source>
        <translation>控制台已连接到 %1：请在它运行的地方启动、停止和配置它（其配置文件、systemctl）。“文件 &gt; 使用内置服务器”可切换回来。</translation>
    </message>
    <message>
        <source>The embedded server's settings</source>
        <translation>内置服务器的设置</translation>
    </message>
    <message>
        <source>embedded</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>stale since %1</source>
        <translation>自 %1 起数据过时</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message numerus="yes">
        <source>Quit and close %n open stream(s)?</source>
        <translation><numerusform>退出并关闭 %n 个打开的流？</numerusform></translation>
    </message>
    <message>
        <source>The embedded server stops with the console. Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects once a server listens here again.</source>
        <translation>内嵌服务器将随控制台一起停止。每个流先收到为其排队的数据，再收到带重试时间的关闭通知（最多 %1 秒）；此处重新有服务器监听后，客户端会重新连接。</translation>
    </message>
    <message numerus="yes">
        <source>Stop the server and close %n open stream(s)?</source>
        <translation><numerusform>停止服务器并关闭 %n 个打开的流？</numerusform></translation>
    </message>
    <message>
        <source>Stop the server? No stream is open.</source>
        <translation>停止服务器？当前没有打开的流。</translation>
    </message>
    <message>
        <source>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); new clients are refused until the server is started again.</source>
        <translation>每个流先收到为其排队的数据，再收到带重试时间的关闭通知（最多 %1 秒）；在服务器重新启动之前，新的客户端会被拒绝。</translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation>应用并重启</translation>
    </message>
    <message numerus="yes">
        <source>Restart the server with the new settings and close %n open stream(s)?</source>
        <translation><numerusform>使用新设置重启服务器并关闭 %n 个打开的流？</numerusform></translation>
    </message>
    <message>
        <source>Each stream gets what is queued for it, then a shutdown notice with the retry time (at most %1 s); its client reconnects to the restarted server.</source>
        <translation>每个流先收到为其排队的数据，再收到带重试时间的关闭通知（最多 %1 秒）；客户端随后会重新连接到重启后的服务器。</translation>
    </message>
    <message>
        <source>The new settings were not applied; the server runs on unchanged.</source>
        <translation>新设置未应用；服务器按原设置继续运行。</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>the connection to the server was lost</source>
        <translation>与服务器的连接已断开</translation>
    </message>
    <message>
        <source>the server is stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>Stale since %1: %2. The tables show what it last reported; the figures come back when it does.</source>
        <translation>自 %1 起数据已过时：%2。表格显示的是它最后报告的内容；它恢复后数字会重新显示。</translation>
    </message>
    <message>
        <source>No browser opened</source>
        <translation>未能打开浏览器</translation>
    </message>
    <message>
        <source>No web browser could be opened from here. Open this address in a browser by hand:

%1</source>
        <translation>无法从这里打开网页浏览器。请在浏览器中手动打开以下地址：

%1</translation>
    </message>
    <message>
        <source>No browser opened; the demo page is at %1</source>
        <translation>未能打开浏览器；演示页面位于 %1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Filter the view</source>
        <translation>筛选当前视图(&amp;F)</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation>复制 ID</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>复制整行</translation>
    </message>
    <message>
        <source>Show only this client</source>
        <translation>只显示此客户端</translation>
    </message>
    <message>
        <source>Publish to this topic…</source>
        <translation>发布到此主题…</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Export connection log: %1</source>
        <translation>导出连接日志：%1</translation>
    </message>
    <message>
        <source>The new settings were not applied: %1. The previous settings are running again on %2.</source>
        <translation>新设置未能应用：%1。服务器已在 %2 上按之前的设置重新运行。</translation>
    </message>
    <message>
        <source>The settings apply to this run but were not saved: %1</source>
        <translation>设置已对本次运行生效，但未能保存：%1</translation>
    </message>
</context>
<context>
    <name>ssehub::NodeFilterBox</name>
    <message>
        <source>All nodes</source>
        <translation>全部节点</translation>
    </message>
</context>
<context>
    <name>ssehub::NodesModel</name>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>运行时间</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Events in</source>
        <translation>流入事件</translation>
    </message>
    <message>
        <source>Events out</source>
        <translation>流出事件</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>not opened</source>
        <translation>未打开</translation>
    </message>
    <message>
        <source>not opened (the console follows at most %1 nodes)</source>
        <translation>未打开（控制台最多跟踪 %1 个节点）</translation>
    </message>
    <message numerus="yes">
        <source>attached, %n stream(s) shown</source>
        <translation><numerusform>当前连接的实例，显示 %n 个流</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>live, %n stream(s) shown</source>
        <translation><numerusform>在线，显示 %n 个流</numerusform></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Console link</source>
        <translation>控制台连接</translation>
    </message>
</context>
<context>
    <name>ssehub::OverviewView</name>
    <message>
        <source>Open streams</source>
        <translation>打开的流</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Topics with events</source>
        <translation>有事件的主题</translation>
    </message>
    <message>
        <source>Events in per second</source>
        <translation>每秒流入事件</translation>
    </message>
    <message>
        <source>Events out per second</source>
        <translation>每秒流出事件</translation>
    </message>
    <message>
        <source>Bytes out per second</source>
        <translation>每秒流出字节</translation>
    </message>
    <message>
        <source>Slow-consumer closes</source>
        <translation>慢消费者断开</translation>
    </message>
    <message>
        <source>Authentication failures</source>
        <translation>认证失败</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/秒</translation>
    </message>
    <message>
        <source>Resources and limits</source>
        <translation>资源与上限</translation>
    </message>
    <message>
        <source>File descriptors</source>
        <translation>文件描述符</translation>
    </message>
    <message>
        <source>Streams of the limit</source>
        <translation>流数与上限</translation>
    </message>
    <message>
        <source>History events</source>
        <translation>历史事件数</translation>
    </message>
    <message>
        <source>History bytes</source>
        <translation>历史字节数</translation>
    </message>
    <message>
        <source>Bytes queued for streams</source>
        <translation>流队列中的字节</translation>
    </message>
    <message>
        <source>Refused requests</source>
        <translation>被拒绝的请求</translation>
    </message>
    <message>
        <source>Stream closes by the server</source>
        <translation>服务器关闭的流</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Amber from %1% of the limit, red from %2% or while the server's alarm is raised.</source>
        <translation>达到上限的 %1% 时显示琥珀色，达到 %2% 或服务器告警触发期间显示红色。</translation>
    </message>
    <message>
        <source>of %1 (%2%)</source>
        <translation>共 %1（%2%）</translation>
    </message>
    <message>
        <source>no limit known</source>
        <translation>上限未知</translation>
    </message>
    <message>
        <source>Files and sockets the server process holds open, against its limit (ulimit -n, LimitNOFILE=). At the limit new connections are refused.</source>
        <translation>服务器进程打开的文件和套接字数，与其上限（ulimit -n、LimitNOFILE=）相比。达到上限时新连接将被拒绝。</translation>
    </message>
    <message>
        <source>no limit (--max-connections 0)</source>
        <translation>无上限（--max-connections 0）</translation>
    </message>
    <message>
        <source>Open streams against --max-connections; beyond it new streams are refused with 503.</source>
        <translation>打开的流数与 --max-connections 相比；超出后新流会以 503 被拒绝。</translation>
    </message>
    <message>
        <source>The history keeps the newest events for clients that resume; at its bound the oldest go (no colour: full is normal).</source>
        <translation>历史为续传的客户端保留最新的事件；达到上限时最旧的事件被移除（不着色：满是正常的）。</translation>
    </message>
    <message>
        <source>of %1 (--history)</source>
        <translation>共 %1（--history）</translation>
    </message>
    <message>
        <source>of %1 (--history-bytes)</source>
        <translation>共 %1（--history-bytes）</translation>
    </message>
    <message>
        <source>at most %1 per stream (--max-queue)</source>
        <translation>每个流最多 %1（--max-queue）</translation>
    </message>
    <message>
        <source>Bytes waiting for slow readers; a stream over its bound is closed as a slow consumer. Amber from %1% of what all open streams may queue, red from %2%.</source>
        <translation>等待慢速读者的字节；超过上限的流会作为慢消费者被关闭。达到所有打开的流可排队总量的 %1% 时显示琥珀色，%2% 时显示红色。</translation>
    </message>
    <message>
        <source>authentication %1 · stream limit %2 · rate limit %3 · bad request %4 · body too large %5 · descriptors %6</source>
        <translation>认证 %1 · 流数上限 %2 · 速率限制 %3 · 错误请求 %4 · 请求体过大 %5 · 文件描述符 %6</translation>
    </message>
    <message>
        <source>Requests refused since the server started, by reason. Amber while any came in the last minute, red while the server's authentication-failure alarm is raised.</source>
        <translation>服务器启动以来被拒绝的请求（按原因）。最近一分钟内有拒绝时显示琥珀色，服务器的认证失败告警触发期间显示红色。</translation>
    </message>
    <message>
        <source>slow consumer %1 · dead %2 · kicked %3 · shutdown %4 · credentials %5</source>
        <translation>慢消费者 %1 · 失联 %2 · 被断开 %3 · 关闭 %4 · 凭据失效 %5</translation>
    </message>
    <message>
        <source>Streams the server closed since it started, by reason (clients that left are not counted). Red while the server's slow/dead-close alarm is raised.</source>
        <translation>服务器启动以来关闭的流（按原因，不含客户端自行断开的）。服务器的慢速/失联关闭告警触发期间显示红色。</translation>
    </message>
    <message>
        <source>none raised</source>
        <translation>无告警</translation>
    </message>
    <message>
        <source>Alarms the server raises now (its log has an alarm entry when one is raised and when it clears; thresholds in docs/CONFIG.md).</source>
        <translation>服务器当前触发的告警（告警触发和解除时日志中各有一条告警记录；阈值见 docs/CONFIG.md）。</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>已验证</translation>
    </message>
    <message>
        <source>malformed</source>
        <translation>格式错误</translation>
    </message>
    <message>
        <source>algorithm not accepted</source>
        <translation>算法不被接受</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>未知密钥</translation>
    </message>
    <message>
        <source>bad signature</source>
        <translation>签名无效</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>claims</source>
        <translation>声明不符</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>身份认证</translation>
    </message>
    <message>
        <source>Identity sources</source>
        <translation>身份来源</translation>
    </message>
    <message>
        <source>Key set (JWKS)</source>
        <translation>密钥集（JWKS）</translation>
    </message>
    <message>
        <source>Auth hook</source>
        <translation>认证钩子</translation>
    </message>
    <message>
        <source>Tokens verified</source>
        <translation>已验证令牌</translation>
    </message>
    <message>
        <source>HS256 secret</source>
        <translation>HS256 密钥</translation>
    </message>
    <message numerus="yes">
        <source>%n public key file(s)</source>
        <translation><numerusform>%n 个公钥文件</numerusform></translation>
    </message>
    <message>
        <source>JWKS</source>
        <translation>JWKS</translation>
    </message>
    <message>
        <source>client certificates</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <source>auth hook</source>
        <translation>认证钩子</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>开放</translation>
    </message>
    <message>
        <source>no authentication: whoever reaches the listen address is let in</source>
        <translation>未启用认证：任何能访问监听地址的人都可进入</translation>
    </message>
    <message>
        <source>No token secret, key, JWKS URL, client certificate authority, auth hook or ACL is configured (Settings, Access).</source>
        <translation>未配置令牌密钥、公钥、JWKS URL、客户端证书颁发机构、认证钩子或 ACL（设置 → 访问控制）。</translation>
    </message>
    <message>
        <source>How the server tells who a request comes from and what it may do (Settings, Access). Refusals are in the log with their reason.</source>
        <translation>服务器如何识别请求来自谁、可以做什么（设置 → 访问控制）。被拒绝的请求及其原因记录在日志中。</translation>
    </message>
    <message>
        <source>last fetch failed: %1</source>
        <translation>上次获取失败：%1</translation>
    </message>
    <message>
        <source>No key set yet</source>
        <translation>尚无密钥集</translation>
    </message>
    <message>
        <source>first fetch under way</source>
        <translation>首次获取进行中</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s)</source>
        <translation><numerusform>%n 个密钥</numerusform></translation>
    </message>
    <message>
        <source>loaded %1 ago</source>
        <translation>%1前加载</translation>
    </message>
    <message>
        <source>Tokens signed with keys are verified with the key set fetched from %1. Red while there is none (such tokens are refused), amber while the last fetch failed (the previous set stays).</source>
        <translation>用密钥签名的令牌由从 %1 获取的密钥集验证。尚无密钥集时为红色（此类令牌会被拒绝），上次获取失败时为琥珀色（沿用之前的密钥集）。</translation>
    </message>
    <message>
        <source>Fetches: %1</source>
        <translation>获取次数：%1</translation>
    </message>
    <message>
        <source>Next fetch in %1.</source>
        <translation>%1 后再次获取。</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>最近错误：%1</translation>
    </message>
    <message>
        <source>no question asked yet</source>
        <translation>尚未发出询问</translation>
    </message>
    <message>
        <source>last answer in %1</source>
        <translation>上次应答用时 %1</translation>
    </message>
    <message>
        <source>allowed %1 · denied %2 · timed out %3 · failed %4 · unreadable %5</source>
        <translation>允许 %1 · 拒绝 %2 · 超时 %3 · 失败 %4 · 无法解析 %5</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>最近错误：%1</translation>
    </message>
    <message>
        <source>The backend at %1 decides for requests without a token. Red while its last call failed (timed out, could not be reached, answered 5xx or unreadably): such requests get 503.</source>
        <translation>%1 处的后端为不带令牌的请求做决定。上次调用失败（超时、无法连接、返回 5xx 或无法解析的应答）时为红色：此类请求会得到 503。</translation>
    </message>
    <message>
        <source>Answers remembered: %1; questions waiting: %2.</source>
        <translation>已缓存应答：%1；等待中的询问：%2。</translation>
    </message>
    <message>
        <source>none refused</source>
        <translation>无拒绝</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>Tokens checked since the server started (a token remembered from an earlier request is not checked again), and those refused by reason.</source>
        <translation>服务器启动以来检查过的令牌（之前请求中已缓存的令牌不再重复检查），以及按原因统计的被拒绝令牌。</translation>
    </message>
    <message>
        <source>no key set to check with</source>
        <translation>尚无可用于验证的密钥集</translation>
    </message>
</context>
<context>
    <name>ssehub::PresenceEventsModel</name>
    <message>
        <source>joined</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>left</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>The client's live streams on that node after the change</source>
        <translation>变化之后该客户端在该节点上的在线流</translation>
    </message>
</context>
<context>
    <name>ssehub::PresenceModel</name>
    <message>
        <source>(hidden)</source>
        <translation>（已隐藏）</translation>
    </message>
    <message>
        <source>The server leaves other clients' ids out for credentials without the presence grant.</source>
        <translation>对没有 presence 授权的凭据，服务器不提供其他客户端的 ID。</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始于</translation>
    </message>
    <message>
        <source>Its live streams on that node</source>
        <translation>它在该节点上的在线流</translation>
    </message>
    <message>
        <source>Since when it has listened there: its first stream, or the subscription's last change if later</source>
        <translation>它在该节点开始收听的时间：其第一个流的时间，若订阅的最后变更更晚则为该变更时间</translation>
    </message>
</context>
<context>
    <name>ssehub::PresencePanel</name>
    <message>
        <source>Who listens</source>
        <translation>谁在收听</translation>
    </message>
    <message>
        <source>Join and leave events</source>
        <translation>加入和离开事件</translation>
    </message>
    <message>
        <source>Select a topic or filter above to see who listens on it.</source>
        <translation>在上方选择一个主题或过滤器，查看谁在收听它。</translation>
    </message>
    <message>
        <source>Select a topic to see its clients join and leave.</source>
        <translation>选择一个主题，查看其客户端的加入和离开。</translation>
    </message>
    <message>
        <source>Who listens on %1</source>
        <translation>谁在收听 %1</translation>
    </message>
    <message>
        <source>Join and leave events (%1)</source>
        <translation>加入和离开事件（%1）</translation>
    </message>
    <message>
        <source>The events the hub publishes on %1 as clients start and stop listening</source>
        <translation>客户端开始和停止收听时服务器在 %1 上发布的事件</translation>
    </message>
    <message>
        <source>Asking who listens…</source>
        <translation>正在查询谁在收听…</translation>
    </message>
    <message>
        <source>Reading the join and leave events…</source>
        <translation>正在读取加入和离开事件…</translation>
    </message>
    <message>
        <source>Presence not read: %1</source>
        <translation>未能读取在线状态：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n client(s)</source>
        <translation><numerusform>%n 个客户端</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n stream(s)</source>
        <translation><numerusform>%n 个流</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation><numerusform>%n 个节点</numerusform></translation>
    </message>
    <message>
        <source>Every instance of the cluster</source>
        <translation>集群的所有实例</translation>
    </message>
    <message>
        <source>This server</source>
        <translation>本服务器</translation>
    </message>
    <message>
        <source>Only the first %1 entries are listed; the counts cover every client.</source>
        <translation>仅列出前 %1 条；计数包含所有客户端。</translation>
    </message>
    <message>
        <source>Other clients' ids are hidden: these credentials lack the presence grant.</source>
        <translation>其他客户端的 ID 已隐藏：当前凭据没有 presence 授权。</translation>
    </message>
    <message>
        <source>Nobody listens on %1 right now.</source>
        <translation>目前没有人在收听 %1。</translation>
    </message>
    <message>
        <source>No join and leave events: %1 is too long a topic for them.</source>
        <translation>没有加入和离开事件：主题 %1 太长，无法为其发布。</translation>
    </message>
    <message>
        <source>Join and leave events not read: %1</source>
        <translation>未能读取加入和离开事件：%1</translation>
    </message>
    <message>
        <source>No join/leave events: start the hub with --presence-events &lt;filter&gt; to publish them (for this topic, e.g. --presence-events %1).</source>
        <translation>没有加入/离开事件：启动服务器时加上 --presence-events &lt;过滤器&gt; 才会发布（对此主题，例如 --presence-events %1）。</translation>
    </message>
    <message>
        <source>Cluster mode: this server's history holds the events it received, not the whole cluster's.</source>
        <translation>集群模式：本服务器的历史只包含它收到的事件，而不是整个集群的。</translation>
    </message>
</context>
<context>
    <name>ssehub::PublishDialog</name>
    <message>
        <source>Publish a test event</source>
        <translation>发布测试事件</translation>
    </message>
    <message>
        <source>e.g. sensor/1/data</source>
        <translation>例如 sensor/1/data</translation>
    </message>
    <message>
        <source>optional, e.g. reading</source>
        <translation>可选，例如 reading</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <source>Topic:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <source>Event type:</source>
        <translation>事件类型：</translation>
    </message>
    <message>
        <source>Payload (JSON):</source>
        <translation>负载（JSON）：</translation>
    </message>
    <message>
        <source>Enter a topic.</source>
        <translation>请输入主题。</translation>
    </message>
    <message>
        <source>Payload is not one JSON value: %1</source>
        <translation>负载不是单个 JSON 值：%1</translation>
    </message>
    <message>
        <source>expected exactly one value</source>
        <translation>应当恰好是一个值</translation>
    </message>
    <message>
        <source>Publish (Ctrl+Enter)</source>
        <translation>发布（Ctrl+Enter）</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteLink</name>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>the server's answer could not be read</source>
        <translation>无法读取服务器的应答</translation>
    </message>
    <message>
        <source>the server's answer could not be read: %1</source>
        <translation>无法读取服务器的应答：%1</translation>
    </message>
    <message>
        <source>this server does not answer GET /presence (ssehub before presence, or another server)</source>
        <translation>该服务器不响应 GET /presence（不支持在线状态的旧版 ssehub，或其他服务器）</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteSession</name>
    <message>
        <source>it advertises none</source>
        <translation>该节点未发布管理 URL</translation>
    </message>
    <message>
        <source>longer than %1 characters</source>
        <translation>超过 %1 个字符</translation>
    </message>
    <message>
        <source>not an http(s) URL with a host: %1</source>
        <translation>不是带主机名的 http(s) URL：%1</translation>
    </message>
    <message>
        <source>%1 is every address of that machine, not one to connect to (set --admin-url on that node)</source>
        <translation>%1 表示该机器的所有地址，无法用于连接（请在该节点上设置 --admin-url）</translation>
    </message>
    <message>
        <source>Its admin URL cannot be opened: %1.</source>
        <translation>无法打开其管理 URL：%1。</translation>
    </message>
    <message>
        <source>%1 answers as node "%2", not "%3": check that node's --admin-url.</source>
        <translation>%1 以节点“%2”而非“%3”的身份应答：请检查该节点的 --admin-url。</translation>
    </message>
    <message>
        <source>node %1 is not connected</source>
        <translation>节点 %1 未连接</translation>
    </message>
</context>
<context>
    <name>ssehub::RemoteTarget</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large to hold credentials</source>
        <translation>%1 太大，不可能是凭据文件</translation>
    </message>
    <message>
        <source>'%1' is not a server address (e.g. http://127.0.0.1:8080)</source>
        <translation>'%1' 不是服务器地址（例如 http://127.0.0.1:8080）</translation>
    </message>
    <message>
        <source>'%1': the console speaks http:// or https://</source>
        <translation>'%1'：控制台只支持 http:// 或 https://</translation>
    </message>
    <message>
        <source>'%1': give only the scheme, host and port</source>
        <translation>'%1'：只需给出协议、主机和端口</translation>
    </message>
    <message>
        <source>%1 holds no token</source>
        <translation>%1 中没有令牌</translation>
    </message>
    <message>
        <source>the token holds characters a token cannot have (spaces, line breaks)</source>
        <translation>令牌中含有令牌不允许的字符（空格、换行）</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate</source>
        <translation>%1 中没有 PEM 证书</translation>
    </message>
    <message>
        <source>a client certificate needs both its certificate and its key file</source>
        <translation>客户端证书需要同时提供证书文件和私钥文件</translation>
    </message>
    <message>
        <source>%1 holds no unencrypted PEM RSA or EC key</source>
        <translation>%1 中没有未加密的 PEM RSA 或 EC 私钥</translation>
    </message>
</context>
<context>
    <name>ssehub::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Listen address:</source>
        <translation>监听地址：</translation>
    </message>
    <message>
        <source>Heartbeat interval:</source>
        <translation>心跳间隔：</translation>
    </message>
    <message>
        <source>History size (events):</source>
        <translation>历史大小（事件数）：</translation>
    </message>
    <message>
        <source>Queue limit per stream:</source>
        <translation>每个流的队列上限：</translation>
    </message>
    <message>
        <source>Token secret file:</source>
        <translation>令牌密钥文件：</translation>
    </message>
    <message>
        <source>ACL file:</source>
        <translation>ACL 文件：</translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation>应用并重启</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>访问控制</translation>
    </message>
    <message>
        <source>Storage and log</source>
        <translation>存储与日志</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>集群</translation>
    </message>
    <message>
        <source>These settings apply to this run only.</source>
        <translation>这些设置仅对本次运行有效。</translation>
    </message>
    <message>
        <source>Saved in %1, which every start of ssehub reads (the console and headless servers alike; ssehub --print-config shows the result).</source>
        <translation>保存在 %1 中，ssehub 每次启动都会读取它（控制台和无窗口服务器都一样；ssehub --print-config 可显示结果）。</translation>
    </message>
    <message>
        <source>Set on the command line or in the environment for this run, and therefore not editable here: %1.</source>
        <translation>以下选项由本次运行的命令行或环境变量设定，因此不能在此修改：%1。</translation>
    </message>
    <message>
        <source>Applying restarts the engine: open streams are closed and clients reconnect (and resume by Last-Event-ID). Settings that cannot be used leave the running server as it is.</source>
        <translation>应用设置会重启引擎：已打开的流将被关闭，客户端会重连（并通过 Last-Event-ID 续传）。无法使用的设置不会影响正在运行的服务器。</translation>
    </message>
    <message>
        <source>Set by %1 for this run; not editable here and not saved.</source>
        <translation>由 %1 为本次运行设定；不能在此修改，也不会保存。</translation>
    </message>
    <message>
        <source>none; several separated by commas</source>
        <translation>无；多个值用逗号分隔</translation>
    </message>
    <message>
        <source>set by %1</source>
        <translation>由 %1 设定</translation>
    </message>
    <message>
        <source>The settings cannot be saved: %1.</source>
        <translation>无法保存设置：%1。</translation>
    </message>
    <message>
        <source>%1: the directory %2 cannot be written.</source>
        <translation>%1：目录 %2 不可写。</translation>
    </message>
    <message>
        <source>%1: %2 cannot be written.</source>
        <translation>%1：%2 不可写。</translation>
    </message>
    <message>
        <source>%1: %2 cannot be read.</source>
        <translation>%1：%2 无法读取。</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together: give both or neither.</source>
        <translation>--tls-cert 和 --tls-key 必须同时使用：要么都提供，要么都不提供。</translation>
    </message>
    <message>
        <source>--tls-client-ca needs HTTPS: give --tls-cert and --tls-key too.</source>
        <translation>--tls-client-ca 需要 HTTPS：请同时提供 --tls-cert 和 --tls-key。</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2. The server keeps running with its current settings.</source>
        <translation>无法监听 %1：%2。服务器继续按当前设置运行。</translation>
    </message>
    <message>
        <source>Export the log at exit to:</source>
        <translation>退出时导出日志到：</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>日志文件：</translation>
    </message>
    <message>
        <source>Log file rotation size:</source>
        <translation>日志文件轮转大小：</translation>
    </message>
    <message>
        <source>Rotated log files kept:</source>
        <translation>保留的轮转日志文件数：</translation>
    </message>
    <message>
        <source>Topics counted in /metrics:</source>
        <translation>在 /metrics 中计数的主题：</translation>
    </message>
    <message>
        <source>Drain time at shutdown:</source>
        <translation>关闭时的排空时间：</translation>
    </message>
    <message>
        <source>Allowed host names:</source>
        <translation>允许的主机名：</translation>
    </message>
    <message>
        <source>Accept tokens that never expire</source>
        <translation>接受永不过期的令牌</translation>
    </message>
    <message>
        <source>History memory:</source>
        <translation>历史内存上限：</translation>
    </message>
    <message>
        <source>Clients at most:</source>
        <translation>最多客户端数：</translation>
    </message>
    <message>
        <source>Subscriptions at most:</source>
        <translation>最多订阅数：</translation>
    </message>
    <message>
        <source>Reconnect delay (retry):</source>
        <translation>重连延迟（retry）：</translation>
    </message>
    <message>
        <source>Largest request body:</source>
        <translation>最大请求体：</translation>
    </message>
    <message>
        <source>CORS origins:</source>
        <translation>CORS 源：</translation>
    </message>
    <message>
        <source>Data directory:</source>
        <translation>数据目录：</translation>
    </message>
    <message>
        <source>Renewal grace:</source>
        <translation>续订宽限期：</translation>
    </message>
    <message>
        <source>Archive after:</source>
        <translation>归档时间：</translation>
    </message>
    <message>
        <source>Delete after:</source>
        <translation>删除时间：</translation>
    </message>
    <message>
        <source>Token cookie:</source>
        <translation>令牌 Cookie：</translation>
    </message>
    <message>
        <source>Token clock skew:</source>
        <translation>令牌时钟偏差：</translation>
    </message>
    <message>
        <source>Streams at most:</source>
        <translation>最多流数：</translation>
    </message>
    <message>
        <source>Streams per address:</source>
        <translation>每个地址的流数：</translation>
    </message>
    <message>
        <source>Streams per client:</source>
        <translation>每个客户端的流数：</translation>
    </message>
    <message>
        <source>Publishes per second:</source>
        <translation>每秒发布次数：</translation>
    </message>
    <message>
        <source>Publish burst:</source>
        <translation>发布突发量：</translation>
    </message>
    <message>
        <source>Filters per stream:</source>
        <translation>每个流的过滤器数：</translation>
    </message>
    <message>
        <source>Longest topic (bytes):</source>
        <translation>最长主题（字节）：</translation>
    </message>
    <message>
        <source>Request timeout:</source>
        <translation>请求超时：</translation>
    </message>
    <message>
        <source>TLS certificate:</source>
        <translation>TLS 证书：</translation>
    </message>
    <message>
        <source>TLS key:</source>
        <translation>TLS 私钥：</translation>
    </message>
    <message>
        <source>Client certificate CA:</source>
        <translation>客户端证书 CA：</translation>
    </message>
    <message>
        <source>Token public keys:</source>
        <translation>令牌公钥：</translation>
    </message>
    <message>
        <source>JWKS URL:</source>
        <translation>JWKS URL：</translation>
    </message>
    <message>
        <source>Token issuer:</source>
        <translation>令牌签发方：</translation>
    </message>
    <message>
        <source>Token audiences:</source>
        <translation>令牌受众：</translation>
    </message>
    <message>
        <source>JWKS shortest refresh interval:</source>
        <translation>JWKS 最短刷新间隔：</translation>
    </message>
    <message>
        <source>JWKS longest refresh interval:</source>
        <translation>JWKS 最长刷新间隔：</translation>
    </message>
    <message>
        <source>Auth hook URL:</source>
        <translation>认证钩子 URL：</translation>
    </message>
    <message>
        <source>Auth hook timeout:</source>
        <translation>认证钩子超时：</translation>
    </message>
    <message>
        <source>Auth hook answers kept at most:</source>
        <translation>认证钩子应答最长缓存：</translation>
    </message>
    <message>
        <source>Ask the auth hook about unverified tokens</source>
        <translation>未通过验证的令牌也询问认证钩子</translation>
    </message>
    <message>
        <source>Presence events for:</source>
        <translation>发布在线事件的主题：</translation>
    </message>
    <message>
        <source>$SYS figures every:</source>
        <translation>$SYS 统计发布间隔：</translation>
    </message>
    <message>
        <source>History age limit:</source>
        <translation>历史保留时长：</translation>
    </message>
    <message>
        <source>Presence events per second:</source>
        <translation>每秒在线事件上限：</translation>
    </message>
    <message>
        <source>Presence budget (clients/s):</source>
        <translation>在线查询预算（客户端/秒）：</translation>
    </message>
</context>
<context>
    <name>ssehub::ShownCount</name>
    <message>
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / %2</translation>
    </message>
</context>
<context>
    <name>ssehub::ThroughputChart</name>
    <message>
        <source>Last 5 minutes (1 s)</source>
        <translation>最近 5 分钟（1 秒）</translation>
    </message>
    <message>
        <source>Last hour (10 s)</source>
        <translation>最近 1 小时（10 秒）</translation>
    </message>
    <message>
        <source>Open streams</source>
        <translation>打开的流</translation>
    </message>
    <message>
        <source>streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>范围：</translation>
    </message>
    <message>
        <source>KiB/s</source>
        <translation>KiB/秒</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/秒</translation>
    </message>
    <message>
        <source>Events published per second</source>
        <translation>每秒发布事件数</translation>
    </message>
    <message>
        <source>published</source>
        <translation>发布</translation>
    </message>
    <message>
        <source>Events delivered per second</source>
        <translation>每秒投递事件数</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>投递</translation>
    </message>
    <message>
        <source>Bytes out per second (KiB/s)</source>
        <translation>每秒流出字节（KiB/s）</translation>
    </message>
    <message>
        <source>Stream closes per second, by reason</source>
        <translation>每秒被关闭的流（按原因）</translation>
    </message>
    <message>
        <source>slow consumer</source>
        <translation>慢消费者</translation>
    </message>
    <message>
        <source>dead</source>
        <translation>失联</translation>
    </message>
    <message>
        <source>kicked</source>
        <translation>被断开</translation>
    </message>
    <message>
        <source>shutdown</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Refusals per second, by reason</source>
        <translation>每秒拒绝的请求（按原因）</translation>
    </message>
    <message>
        <source>auth failures</source>
        <translation>认证失败</translation>
    </message>
    <message>
        <source>stream limit</source>
        <translation>流数上限</translation>
    </message>
    <message>
        <source>rate limit</source>
        <translation>速率限制</translation>
    </message>
    <message>
        <source>bad requests</source>
        <translation>错误请求</translation>
    </message>
    <message>
        <source>descriptors</source>
        <translation>文件描述符</translation>
    </message>
    <message>
        <source>Bytes queued for streams (KiB)</source>
        <translation>流队列中的字节（KiB）</translation>
    </message>
    <message>
        <source>KiB</source>
        <translation>KiB</translation>
    </message>
    <message>
        <source>%1  %2: %3</source>
        <translation>%1  %2：%3</translation>
    </message>
</context>
<context>
    <name>ssehub::TopicsModel</name>
    <message>
        <source>Topic level</source>
        <translation>主题层级</translation>
    </message>
    <message>
        <source>Subscribers</source>
        <translation>订阅者</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <source>Events/s</source>
        <translation>事件/秒</translation>
    </message>
    <message>
        <source>Last event</source>
        <translation>最近事件</translation>
    </message>
    <message>
        <source>Last payload</source>
        <translation>最近负载</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>A filter: the clients holding it. A topic: the clients whose filters match it (wildcards included).</source>
        <translation>过滤器：持有它的客户端。主题：过滤器与之匹配的客户端（包括通配符）。</translation>
    </message>
    <message>
        <source>The live streams of those clients: who an event on a topic reaches now.</source>
        <translation>这些客户端的在线流：该主题上的事件当前会送达的对象。</translation>
    </message>
    <message>
        <source>Events per second, averaged over the last %1 seconds.</source>
        <translation>每秒事件数，按最近 %1 秒平均。</translation>
    </message>
    <message>
        <source>Events per second over the last %1 s</source>
        <translation>最近 %1 秒的每秒事件数</translation>
    </message>
</context>
<context>
    <name>ssehub::TopicsView</name>
    <message>
        <source>Publish test event…</source>
        <translation>发布测试事件…</translation>
    </message>
    <message>
        <source>Topic or filter to tail, e.g. sensor/+/data</source>
        <translation>要实时跟踪的主题或过滤器，例如 sensor/+/data</translation>
    </message>
    <message>
        <source>Tail</source>
        <translation>跟踪</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>No live tail.</source>
        <translation>未在跟踪。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message numerus="yes">
        <source>… %n event(s) not shown (more than the tail keeps per update)</source>
        <translation><numerusform>… 有 %n 个事件未显示（超过每次刷新保留的数量）</numerusform></translation>
    </message>
    <message>
        <source>Search topics and filters…</source>
        <translation>搜索主题和过滤器…</translation>
    </message>
</context>
</TS>
