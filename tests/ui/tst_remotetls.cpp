// The console attached over HTTPS: a headless server with a certificate from a CA of its own
// (made here with openssl) that asks for client certificates. With the CA file and an admin's
// client certificate the console is live and shows the server's streams; without the CA file
// the server's certificate is refused and the window says why; a client certificate without the
// admin role is refused like a non-admin token.
#include "api/enginethread.h"
#include "enginecontroller.h"
#include "hubprocess.h"
#include "link/enginelink.h"
#include "link/remotetarget.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"

#include <QFile>
#include <QProcess>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

class TestRemoteTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void attachesWithTheCaAndAnAdminCertificate();
    void refusesAServerCertificateItCannotVerify();
    void refusesACertificateWithoutTheAdminRole();

private:
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    bool openssl(const QStringList &args);
    bool issue(const char *name, const char *subject, bool server);
    EngineLink::State attach(const char *cert, bool withCa, QString *message, int *rows = nullptr);

    QTemporaryDir m_dir;
    HeadlessHub m_hub {QStringLiteral(SSEHUB_BINARY), m_dir.path()};
};

bool TestRemoteTls::openssl(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning("openssl: %s", p.readAll().constData());
        return false;
    }
    return true;
}

bool TestRemoteTls::issue(const char *name, const char *subject, bool server)
{
    const QString base = path(name);
    QStringList sign {QStringLiteral("x509"),
                      QStringLiteral("-req"),
                      QStringLiteral("-in"),
                      base + QStringLiteral(".csr"),
                      QStringLiteral("-CA"),
                      path("ca.pem"),
                      QStringLiteral("-CAkey"),
                      path("ca.key"),
                      QStringLiteral("-CAcreateserial"),
                      QStringLiteral("-out"),
                      base + QStringLiteral(".pem"),
                      QStringLiteral("-days"),
                      QStringLiteral("30")};
    if (server)
        sign << QStringLiteral("-extfile") << path("server.ext");
    return openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                    QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                    base + QStringLiteral(".key"), QStringLiteral("-out"),
                    base + QStringLiteral(".csr"), QStringLiteral("-subj"),
                    QString::fromLatin1(subject)})
        && openssl(sign);
}

void TestRemoteTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    QFile ext(path("server.ext"));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1\n");
    ext.close();
    QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), path("ca.key"), QStringLiteral("-out"),
                     path("ca.pem"), QStringLiteral("-days"), QStringLiteral("30"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=ssehub console test CA")}));
    QVERIFY(issue("server", "/CN=127.0.0.1", true));
    QVERIFY(issue("ops", "/CN=ops/OU=operators", false));
    QVERIFY(issue("kiosk", "/CN=kiosk-1/OU=displays", false));
    QFile acl(path("acl.json"));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": null,
        "roles": {"admin": {"subscribe": ["#"], "publish": ["#"], "admin": true},
                  "display": {"subscribe": ["display/#"]}},
        "units": {"operators": ["admin"], "displays": ["display"]}})");
    acl.close();

    QVERIFY(m_hub.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--data-dir"), QString(), QStringLiteral("--tls-cert"),
                         path("server.pem"), QStringLiteral("--tls-key"), path("server.key"),
                         QStringLiteral("--tls-client-ca"), path("ca.pem"), QStringLiteral("--acl"),
                         path("acl.json")}));
}

void TestRemoteTls::cleanupTestCase()
{
    m_hub.kill();
}

EngineLink::State TestRemoteTls::attach(const char *cert, bool withCa, QString *message, int *rows)
{
    EngineThread engine;
    auto window = std::make_unique<MainWindow>(&engine, EngineConfig());
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_hub.port()));
    if (withCa)
        target.caFile = path("ca.pem");
    target.clientCert = path(cert) + QStringLiteral(".pem");
    target.clientKey = path(cert) + QStringLiteral(".key");
    if (!window->attach(target))
        return EngineLink::State::Refused;
    window->show();
    EngineLink *link = window->controller()->link();
    // Settled: live, or not live with a reason (the caller checks which).
    [[maybe_unused]] const bool settled = QTest::qWaitFor(
        [link] {
            const auto state = link->status().state;
            return state == EngineLink::State::Live
                || (state != EngineLink::State::Connecting && !link->status().message.isEmpty());
        },
        10000);
    if (rows && link->status().state == EngineLink::State::Live)
        *rows = window->connectionsModel()->rowCount(); // the feed's snapshot was applied
    *message = link->status().message;
    const EngineLink::State state = link->status().state;
    window.reset();
    engine.stop();
    return state;
}

void TestRemoteTls::attachesWithTheCaAndAnAdminCertificate()
{
    QString message;
    int rows = -1;
    QCOMPARE(attach("ops", true, &message, &rows), EngineLink::State::Live);
    QCOMPARE(rows, 0);
}

void TestRemoteTls::refusesAServerCertificateItCannotVerify()
{
    QString message;
    const EngineLink::State state = attach("ops", false, &message);
    QVERIFY(state != EngineLink::State::Live);
    QVERIFY2(message.contains(QLatin1String("certificate"), Qt::CaseInsensitive),
             qPrintable(message));
}

void TestRemoteTls::refusesACertificateWithoutTheAdminRole()
{
    QString message;
    QCOMPARE(attach("kiosk", true, &message), EngineLink::State::Refused);
    QVERIFY2(message.contains(QLatin1String("admin")), qPrintable(message));
}

QTEST_MAIN(TestRemoteTls)
#include "tst_remotetls.moc"
