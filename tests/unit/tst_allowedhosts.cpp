// The Host check against DNS rebinding (server/http/allowedhosts.*).
#include "http/allowedhosts.h"

#include <QTest>

using namespace ssehub;

class TestAllowedHosts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hosts_data();
    void hosts();
    void wildcardTurnsTheCheckOff();
};

void TestAllowedHosts::hosts_data()
{
    QTest::addColumn<QByteArray>("host"); // null: no Host header
    QTest::addColumn<QString>("local"); // the listening socket's address
    QTest::addColumn<bool>("allowed");
    const QString loopback = QStringLiteral("127.0.0.1");
    const QString lan = QStringLiteral("192.168.1.10");
    QTest::addRow("HTTP/1.0 without Host") << QByteArray() << lan << true;
    QTest::addRow("localhost") << QByteArray("localhost:8080") << lan << true;
    QTest::addRow("LocalHost") << QByteArray("LocalHost") << lan << true;
    QTest::addRow("sub.localhost") << QByteArray("app.localhost:8080") << lan << true;
    QTest::addRow("listening address") << QByteArray("192.168.1.10:8080") << lan << true;
    QTest::addRow("other address") << QByteArray("192.168.1.11:8080") << lan << false;
    QTest::addRow("loopback on loopback") << QByteArray("127.0.0.2") << loopback << true;
    QTest::addRow("IPv6 loopback") << QByteArray("[::1]:8080") << QStringLiteral("::1") << true;
    QTest::addRow("IPv6 loopback to IPv4") << QByteArray("[::1]:8080") << loopback << true;
    QTest::addRow("mapped IPv4") << QByteArray("[::ffff:192.168.1.10]") << lan << true;
    QTest::addRow("loopback on LAN") << QByteArray("127.0.0.1:8080") << lan << false;
    QTest::addRow("listed name") << QByteArray("hub.example:443") << lan << true;
    QTest::addRow("listed name, other case") << QByteArray("HUB.Example") << lan << true;
    QTest::addRow("rebound name") << QByteArray("evil.example") << loopback << false;
    QTest::addRow("suffix of a listed name") << QByteArray("xhub.example") << lan << false;
    QTest::addRow("localhost as a prefix") << QByteArray("localhost.evil.example") << lan << false;
}

void TestAllowedHosts::hosts()
{
    QFETCH(QByteArray, host);
    QFETCH(QString, local);
    QFETCH(bool, allowed);
    const AllowedHosts hosts({QStringLiteral("hub.example")});
    QCOMPARE(hosts.allows(host, QHostAddress(local)), allowed);
}

void TestAllowedHosts::wildcardTurnsTheCheckOff()
{
    QVERIFY(!AllowedHosts().allows("evil.example", QHostAddress::LocalHost));
    QVERIFY(AllowedHosts({QStringLiteral("*")}).allows("evil.example", QHostAddress::LocalHost));
}

QTEST_APPLESS_MAIN(TestAllowedHosts)
#include "tst_allowedhosts.moc"
