// HTTPS and client certificates over real sockets, with a CA, server and client certificates
// that the test makes with openssl: a certificate signed by the configured CA is served and its
// CN is the client id (its OU selects roles); none, one from another CA, or an expired one is
// refused during the handshake and never served. Streams and publishes work through TLS, and
// plain TLS without client certificates serves anyone.
#include "engine/engine.h"
#include "http/httpfront.h"
#include "httpclient.h"
#include "hub/hub.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ssehub;

namespace {

struct Reply
{
    bool handshake = false; // the TLS session was established
    int status = 0;
    QByteArray data; // everything after the status line
};

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup() { m_engine.reset(); }

    void clientCertificates_data();
    void clientCertificates();
    void streamAndPublishThroughTls();
    void plainTlsServesAnyone();
    void badConfiguration();
    void slowTlsReaderIsSlowConsumerNotDead();

    void refusedFloodIsCutOverTls_data();
    void refusedFloodIsCutOverTls();

private:
    bool openssl(const QStringList &args);
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    void start(bool clientCa, int heartbeatMs = 30000, qint64 maxQueueBytes = 1024 * 1024);
    // Opens a TLS connection (with this client certificate, if any), sends the request and
    // collects what comes back until `until` is seen or the connection ends.
    Reply exchange(const QByteArray &request, const QString &cert, const QString &key,
                   const QByteArray &until, QSslSocket *keep = nullptr);
    static QByteArray postPublish(const QByteArray &body)
    {
        return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
};

bool TestTls::openssl(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning("openssl %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                 p.readAll().constData());
        return false;
    }
    return true;
}

void TestTls::initTestCase()
{
    QFile ext(path("server.ext"));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1\n");
    ext.close();
    auto ca = [&](const char *name, const char *cn) {
        return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), path(name) + QStringLiteral(".key"),
                        QStringLiteral("-out"), path(name) + QStringLiteral(".pem"),
                        QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                        QString::fromLatin1(cn)});
    };
    auto issue = [&](const char *name, const char *subject, const char *caName, const char *days,
                     bool server) {
        QStringList sign {QStringLiteral("x509"),
                          QStringLiteral("-req"),
                          QStringLiteral("-in"),
                          path(name) + QStringLiteral(".csr"),
                          QStringLiteral("-CA"),
                          path(caName) + QStringLiteral(".pem"),
                          QStringLiteral("-CAkey"),
                          path(caName) + QStringLiteral(".key"),
                          QStringLiteral("-CAcreateserial"),
                          QStringLiteral("-out"),
                          path(name) + QStringLiteral(".pem"),
                          QStringLiteral("-days"),
                          QString::fromLatin1(days)};
        if (server)
            sign << QStringLiteral("-extfile") << path("server.ext");
        return openssl({QStringLiteral("req"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), path(name) + QStringLiteral(".key"),
                        QStringLiteral("-out"), path(name) + QStringLiteral(".csr"),
                        QStringLiteral("-subj"), QString::fromLatin1(subject)})
            && openssl(sign);
    };
    QVERIFY(ca("ca", "/CN=ssehub test CA"));
    QVERIFY(ca("foreign", "/CN=someone else's CA"));
    QVERIFY(issue("server", "/CN=127.0.0.1", "ca", "30", true));
    QVERIFY(issue("good", "/CN=dev-1/OU=sensors", "ca", "30", false));
    QVERIFY(issue("expired", "/CN=dev-1/OU=sensors", "ca", "-1", false));
    QVERIFY(issue("stranger", "/CN=dev-1/OU=sensors", "foreign", "30", false));
    QFile acl(path("acl.json"));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": null,
                  "roles": {"sensor": {"subscribe": ["sensor/+/data"], "publish": ["sensor/%c/data"]}},
                  "units": {"sensors": ["sensor"]}})");
}

void TestTls::start(bool clientCa, int heartbeatMs, qint64 maxQueueBytes)
{
    Engine::Config config;
    config.port = 0;
    config.heartbeatMs = heartbeatMs;
    config.maxQueueBytes = maxQueueBytes;
    config.dataDir.clear();
    config.tlsCertFile = path("server.pem");
    config.tlsKeyFile = path("server.key");
    if (clientCa) {
        config.tlsClientCaFile = path("ca.pem");
        config.aclFile = path("acl.json");
    }
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    QVERIFY(m_engine->listenUrl().startsWith(QLatin1String("https://")));
}

Reply TestTls::exchange(const QByteArray &request, const QString &cert, const QString &key,
                        const QByteArray &until, QSslSocket *keep)
{
    QSslSocket local;
    QSslSocket &socket = keep ? *keep : local;
    QSslConfiguration conf = socket.sslConfiguration();
    conf.setCaCertificates(QSslCertificate::fromPath(path("ca.pem"))); // verify the server
    if (!cert.isEmpty()) {
        conf.setLocalCertificate(QSslCertificate::fromPath(cert).value(0));
        QFile keyFile(key);
        if (keyFile.open(QIODevice::ReadOnly))
            conf.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    }
    socket.setSslConfiguration(conf);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_engine->port());
    Reply reply;
    // The server runs on this thread: wait with the event loop running, never blocking.
    bool failed = false;
    connect(&socket, &QSslSocket::errorOccurred, &socket, [&failed] { failed = true; });
    reply.handshake = QTest::qWaitFor([&] { return socket.isEncrypted() || failed; }, 5000)
        && socket.isEncrypted();
    if (!reply.handshake)
        return reply;
    socket.write(request);
    QByteArray data;
    (void)QTest::qWaitFor(
        [&] {
            data += socket.readAll();
            return data.contains(until) || socket.state() != QAbstractSocket::ConnectedState;
        },
        5000);
    data += socket.readAll();
    if (data.startsWith("HTTP/1.1 ")) {
        reply.status = data.mid(9, 3).toInt();
        reply.data = data.mid(data.indexOf("\r\n") + 2);
    }
    if (!reply.status)
        reply.handshake = !data.isEmpty() || socket.state() == QAbstractSocket::ConnectedState;
    return reply;
}

void TestTls::clientCertificates_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<bool>("served");
    QTest::newRow("signed by the CA") << QStringLiteral("good") << true;
    QTest::newRow("no certificate") << QString() << false;
    QTest::newRow("another CA") << QStringLiteral("stranger") << false;
    QTest::newRow("expired") << QStringLiteral("expired") << false;
}

void TestTls::clientCertificates()
{
    QFETCH(QString, cert);
    QFETCH(bool, served);
    start(true);
    const QString certFile
        = cert.isEmpty() ? QString() : m_dir.filePath(cert + QStringLiteral(".pem"));
    const QString keyFile
        = cert.isEmpty() ? QString() : m_dir.filePath(cert + QStringLiteral(".key"));
    const Reply r = exchange("GET /events?topic=sensor/1/data HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                             certFile, keyFile, "event: session");
    if (served) {
        QCOMPARE(r.status, 200);
        // The certificate's CN is the client id.
        QVERIFY2(r.data.contains("\"client_id\":\"dev-1\""), r.data.constData());
        return;
    }
    QCOMPARE(r.status, 0); // refused in the handshake: no HTTP answer at all
    QVERIFY(!r.data.contains("session"));
    QCOMPARE(m_engine->hub()->streamCount(), 0);
    // The server saw and counted the refused handshake.
    QTRY_VERIFY(m_engine->front()->counters().authFailures >= 1);
}

void TestTls::streamAndPublishThroughTls()
{
    start(true);
    QSslSocket stream;
    const Reply opened
        = exchange("GET /events?topic=sensor/%2B/data HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                   path("good.pem"), path("good.key"), "event: session", &stream);
    QCOMPARE(opened.status, 200);
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    const QByteArray body = R"({"topic":"sensor/dev-1/data","payload":{"t":21}})";
    const Reply published = exchange(postPublish(body), path("good.pem"), path("good.key"), "}");
    QCOMPARE(published.status, 200);
    QByteArray received;
    QTRY_VERIFY((received += stream.readAll()).contains("\"t\":21"));
    // Another device's topic is not this certificate's to publish (the OU's role, %c = CN).
    const QByteArray other = R"({"topic":"sensor/dev-2/data","payload":1})";
    const Reply refused = exchange(postPublish(other), path("good.pem"), path("good.key"), "}");
    QCOMPARE(refused.status, 403);
    // Closing the TLS stream is seen by the server.
    stream.disconnectFromHost();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
}

void TestTls::plainTlsServesAnyone()
{
    start(false);
    QSslSocket stream;
    const Reply opened = exchange("GET /events?topic=t HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                  QString(), QString(), "event: session", &stream);
    QCOMPARE(opened.status, 200);
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const QByteArray body = R"({"topic":"t","payload":"over tls"})";
    const Reply published = exchange(postPublish(body), QString(), QString(), "}");
    QCOMPARE(published.status, 200);
    QByteArray received;
    QTRY_VERIFY((received += stream.readAll()).contains("over tls"));
    // Plain HTTP to the HTTPS port is never served.
    QTcpSocket plain;
    plain.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(plain.waitForConnected(5000));
    plain.write("GET /events?topic=t HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    // The server answers the garbage handshake with a TLS alert (or nothing) and closes.
    QTRY_VERIFY_WITH_TIMEOUT(plain.state() != QAbstractSocket::ConnectedState, 5000);
    QVERIFY(!plain.readAll().startsWith("HTTP/1.1"));
    QCOMPARE(m_engine->hub()->streamCount(), 1);
}

void TestTls::badConfiguration()
{
    const QList<QPair<QStringList, QString>> cases {
        {{path("server.pem"), QString(), QString()}, QStringLiteral("--tls-key")},
        {{path("server.pem"), path("missing.key"), QString()}, QStringLiteral("missing.key")},
        {{path("server.pem"), path("server.pem"), QString()}, QStringLiteral("private key")},
        {{path("acl.json"), path("server.key"), QString()}, QStringLiteral("acl.json")},
        {{path("server.pem"), path("server.key"), path("acl.json")}, QStringLiteral("client CA")}};
    for (const auto &[files, errorPart] : cases) {
        Engine::Config config;
        config.port = 0;
        config.dataDir.clear();
        config.tlsCertFile = files.at(0);
        config.tlsKeyFile = files.at(1);
        config.tlsClientCaFile = files.at(2);
        Engine engine(config);
        QString error;
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(errorPart), qPrintable(error));
    }
}

void TestTls::slowTlsReaderIsSlowConsumerNotDead()
{
    // Issue 14 on the TLS path (the stream writes through its QSslSocket): a reader that is alive
    // but slower than its topic ends as slow-consumer at --max-queue, not as dead.
    const int interval = 300;
    start(false, interval, 256 * 1024);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(fd >= 0);
    const int receiveBuffer = 4096, segment = 1460; // set before connecting (see SlowReader)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));
    ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &segment, sizeof(segment));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_engine->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    QSslSocket socket;
    QVERIFY(socket.setSocketDescriptor(fd));
    QSslConfiguration conf = socket.sslConfiguration();
    conf.setCaCertificates(QSslCertificate::fromPath(path("ca.pem")));
    socket.setSslConfiguration(conf);
    socket.setPeerVerifyName(QStringLiteral("127.0.0.1"));
    socket.setReadBufferSize(4096); // Qt reads no further ahead than this
    socket.startClientEncryption();
    QTRY_VERIFY(socket.isEncrypted());
    socket.write(
        "GET /events?topic=fast HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-tls\r\n\r\n");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const quint64 id = m_engine->hub()->streams().constFirst()->id();
    // 100 bytes every 50 ms (2 KB/s) on a topic of 40 KB/s.
    qint64 read = 0;
    QTimer reader;
    connect(&reader, &QTimer::timeout, this, [&] { read += socket.read(100).size(); });
    reader.start(50);
    const QByteArray payload = '"' + QByteArray(2000, 'p') + '"';
    QTimer publisher;
    connect(&publisher, &QTimer::timeout, this, [&] {
        m_engine->publish({"fast", {}, payload}, [](const PublishResult &) {});
    });
    QElapsedTimer clock;
    clock.start();
    publisher.start(50);
    qint64 maxQueued = 0;
    const auto closed = [&] {
        if (const SseStream *c = m_engine->hub()->stream(id))
            maxQueued = qMax(maxQueued, c->bytesQueued());
        return !m_engine->hub()->stream(id);
    };
    QTRY_VERIFY_WITH_TIMEOUT(closed(), 60000);
    publisher.stop();
    const qint64 lived = clock.elapsed();
    QString reason;
    for (const LogEntry &e : m_engine->log()->entries()) {
        if (e.connectionId == id
            && (e.kind == LogEntry::Kind::Disconnect || e.kind == LogEntry::Kind::SlowConsumer))
            reason = e.reason;
    }
    qInfo("slow TLS reader: closed as %s after %lld ms, queue peaked at %lld bytes, read %lld",
          qPrintable(reason), lived, maxQueued, read);
    QCOMPARE(reason, QStringLiteral("slow-consumer"));
    QCOMPARE(m_engine->hub()->counters().deadCloses, 0u);
    QVERIFY2(lived > 3 * interval, qPrintable(QString::number(lived)));
    QVERIFY(maxQueued > 0);
    QVERIFY(read > 0);
}

void TestTls::refusedFloodIsCutOverTls_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("piece");
    QTest::addColumn<QByteArray>("status");
    QTest::newRow("header flood")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: HOST\r\n")
        << QByteArray("X-Flood: " + QByteArray(1000, 'a') + "\r\n").repeated(64)
        << QByteArray("HTTP/1.1 431 ");
    QTest::newRow("body over the limit")
        << QByteArray("POST /publish HTTP/1.1\r\nHost: HOST\r\nContent-Type: "
                      "application/json\r\nContent-Length: 100000000000\r\n\r\n")
        << QByteArray(64 * 1024, 'a') << QByteArray("HTTP/1.1 413 ");
}

// The head is capped by bytes as it arrives on the TLS path too (QSslSocket decrypts ahead of
// the parser), and a refused request is cut there as on plain sockets: the client cannot make
// the server take, decrypt or keep its flood.
void TestTls::refusedFloodIsCutOverTls()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, piece);
    QFETCH(QByteArray, status);
    start(false);
    head.replace("HOST", QByteArray("127.0.0.1:" + QByteArray::number(m_engine->port())));
    const qint64 before = ssehub::test::residentKiB();
    QSslSocket socket;
    QSslConfiguration conf = socket.sslConfiguration();
    conf.setCaCertificates(QSslCertificate::fromPath(path("ca.pem")));
    socket.setSslConfiguration(conf);
    qint64 written = 0; // bytes that left the client's buffers
    connect(&socket, &QSslSocket::encryptedBytesWritten, &socket,
            [&written](qint64 bytes) { written += bytes; });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_engine->port());
    QTRY_VERIFY_WITH_TIMEOUT(socket.isEncrypted(), 5000);
    socket.write(head);
    QByteArray answer;
    // The server runs on this thread: the client writes as its buffers drain, up to 256 MiB,
    // until the server has answered and closed.
    QVERIFY(QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            if (socket.state() != QAbstractSocket::ConnectedState)
                return true;
            if (socket.bytesToWrite() + socket.encryptedBytesToWrite() < 1024 * 1024
                && written < 256LL * 1024 * 1024)
                socket.write(piece);
            return false;
        },
        60000));
    answer += socket.readAll();
    qInfo("the server took %lld bytes of the flood over TLS before it cut the connection", written);
    QVERIFY2(answer.startsWith(status), answer.left(200).constData());
    // Within the socket buffers (0.4 MB measured; 14 MB when refused connections were drained
    // for their whole 2 s linger).
    QVERIFY2(written < 8 * 1024 * 1024, qPrintable(QString::number(written)));
    const qint64 grown = ssehub::test::residentKiB() - before;
    QVERIFY2(!ssehub::test::MemoryFiguresMeaningful || grown < 16 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(grown)));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
