// Authorization pieces without a server: filter containment and intersection (checked against a
// brute-force reference over every topic of a small universe), the ACL file, HS256 tokens.
#include "auth.h"
#include "tokens.h"
#include "topicfilter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// Every filter of up to three levels over a small alphabet, and every topic of up to four levels:
// enough for any counterexample among these filters to show up as a topic.
QList<QByteArray> filterUniverse()
{
    const QList<QByteArray> levels {"a", "b", "", "$s", "+", "#"};
    QList<QByteArray> out;
    QList<QList<QByteArray>> current {{}};
    for (int depth = 1; depth <= 3; ++depth) {
        QList<QList<QByteArray>> next;
        for (const QList<QByteArray> &prefix : std::as_const(current)) {
            if (!prefix.isEmpty() && prefix.last() == "#")
                continue;
            for (const QByteArray &level : levels) {
                QList<QByteArray> f = prefix;
                f << level;
                next << f;
                out << f.join('/');
            }
        }
        current = next;
    }
    return out;
}

QList<QByteArray> topicUniverse()
{
    const QList<QByteArray> levels {"a", "b", "", "$s", "z"};
    QList<QByteArray> out;
    QList<QByteArray> current {QByteArray()};
    for (int depth = 1; depth <= 4; ++depth) {
        QList<QByteArray> next;
        for (const QByteArray &prefix : std::as_const(current)) {
            for (const QByteArray &level : levels) {
                const QByteArray t = depth == 1 ? level : prefix + '/' + level;
                next << t;
                if (!t.isEmpty())
                    out << t;
            }
        }
        current = next;
    }
    return out;
}

} // namespace

class TestAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void containmentAgreesWithReference();
    void containmentExamples_data();
    void containmentExamples();
    void aclRules();
    void aclFileErrors_data();
    void aclFileErrors();
    void tokens();
    void credentials();
};

void TestAuth::containmentAgreesWithReference()
{
    const QList<QByteArray> filters = filterUniverse();
    const QList<QByteArray> topics = topicUniverse();
    QList<TopicFilter> parsed;
    QList<QByteArray> texts;
    for (const QByteArray &text : filters) {
        if (text.isEmpty())
            continue; // "" alone is not a filter
        const TopicFilter f = TopicFilter::parse(text);
        QVERIFY2(f.isValid(), text.constData());
        parsed << f;
        texts << text;
    }
    // Which topics each filter matches, once.
    std::vector<std::vector<bool>> matches(size_t(parsed.size()));
    for (qsizetype i = 0; i < parsed.size(); ++i) {
        for (const QByteArray &t : topics)
            matches[size_t(i)].push_back(parsed.at(i).matches(t));
    }
    qsizetype within = 0, intersecting = 0;
    for (qsizetype i = 0; i < parsed.size(); ++i) {
        for (qsizetype j = 0; j < parsed.size(); ++j) {
            bool expectWithin = true, expectIntersect = false;
            for (size_t t = 0; t < size_t(topics.size()); ++t) {
                if (matches[size_t(i)][t] && !matches[size_t(j)][t])
                    expectWithin = false;
                if (matches[size_t(i)][t] && matches[size_t(j)][t])
                    expectIntersect = true;
            }
            if (filterWithin(parsed.at(i), parsed.at(j)) != expectWithin)
                QFAIL(qPrintable(
                    QStringLiteral("within('%1', '%2') should be %3")
                        .arg(QString::fromUtf8(texts.at(i)), QString::fromUtf8(texts.at(j)))
                        .arg(expectWithin)));
            if (filtersIntersect(parsed.at(i), parsed.at(j)) != expectIntersect)
                QFAIL(qPrintable(
                    QStringLiteral("intersect('%1', '%2') should be %3")
                        .arg(QString::fromUtf8(texts.at(i)), QString::fromUtf8(texts.at(j)))
                        .arg(expectIntersect)));
            within += expectWithin;
            intersecting += expectIntersect;
        }
    }
    // The universe exercises both answers plenty.
    QVERIFY(within > 1000 && within < parsed.size() * parsed.size() / 2);
    QVERIFY(intersecting > 1000);
}

void TestAuth::containmentExamples_data()
{
    QTest::addColumn<QByteArray>("inner");
    QTest::addColumn<QByteArray>("outer");
    QTest::addColumn<bool>("within");
    QTest::newRow("+ within #") << QByteArray("sensor/+/data") << QByteArray("sensor/#") << true;
    QTest::newRow("# not within +")
        << QByteArray("sensor/#") << QByteArray("sensor/+/data") << false;
    QTest::newRow("all not within") << QByteArray("#") << QByteArray("sensor/+/data") << false;
    QTest::newRow("parent") << QByteArray("sensor") << QByteArray("sensor/#") << true;
    QTest::newRow("$ not under #") << QByteArray("$SYS/x") << QByteArray("#") << false;
    QTest::newRow("$ under $") << QByteArray("$SYS/x") << QByteArray("$SYS/#") << true;
    QTest::newRow("empty level") << QByteArray("a//b") << QByteArray("a/+/b") << true;
}

void TestAuth::containmentExamples()
{
    QFETCH(QByteArray, inner);
    QFETCH(QByteArray, outer);
    QFETCH(bool, within);
    QCOMPARE(filterWithin(TopicFilter::parse(inner), TopicFilter::parse(outer)), within);
}

void TestAuth::aclRules()
{
    QString error;
    const Acl acl = Acl::fromJson(R"({
        "anonymous": "viewer",
        "roles": {
            "viewer": {"subscribe": ["public/#"]},
            "sensor": {"subscribe": ["sensor/+/data", "user/%c/#"], "publish": ["sensor/%c/data"],
                       "deny": ["control/#", "sensor/secret/#"]},
            "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}
        },
        "clients": {"dev-7": ["sensor"]}
    })",
                                  &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    Identity sensor;
    sensor.authenticated = true;
    sensor.clientId = QStringLiteral("dev-7");
    sensor.roles = {QStringLiteral("sensor")};
    auto sub = [&](const Identity &who, const char *filter) {
        return acl.checkSubscribe(who, TopicFilter::parse(filter));
    };
    QVERIFY(sub(sensor, "sensor/7/data").isEmpty());
    QVERIFY(sub(sensor, "sensor/#").contains(QLatin1String("sensor/#")));
    QVERIFY(sub(sensor, "#").contains(QLatin1String("'#'")));
    QVERIFY(sub(sensor, "control/x").contains(QLatin1String("control/#")));
    QVERIFY(sub(sensor, "sensor/secret/data").contains(QLatin1String("denied"))); // deny first
    // Every topic a filter can match must be allowed: sensor/+/data could match
    // sensor/secret/data, which is denied.
    QVERIFY(sub(sensor, "sensor/+/data").contains(QLatin1String("sensor/secret/#")));
    QVERIFY(sub(sensor, "user/dev-7/inbox").isEmpty()); // %c
    QVERIFY(!sub(sensor, "user/other/inbox").isEmpty());
    QVERIFY(acl.checkPublish(sensor, "sensor/dev-7/data").isEmpty());
    QVERIFY(!acl.checkPublish(sensor, "sensor/dev-8/data").isEmpty());
    QVERIFY(!acl.checkPublish(sensor, "control/reboot").isEmpty());
    QVERIFY(!acl.isAdmin(sensor));

    // A client id that would act as a wildcard never matches a %c rule.
    for (const char *id : {"+", "#", "a/b"}) {
        Identity tricky = sensor;
        tricky.clientId = QString::fromLatin1(id);
        QVERIFY2(!sub(tricky, "user/+/inbox").isEmpty(), id);
        QVERIFY2(!acl.checkPublish(tricky, "sensor/x/data").isEmpty(), id);
    }

    Identity anonymous;
    anonymous.roles = {acl.anonymousRole()};
    QVERIFY(sub(anonymous, "public/news").isEmpty());
    QVERIFY(!sub(anonymous, "sensor/1/data").isEmpty());

    Identity admin;
    admin.roles = {QStringLiteral("admin")};
    QVERIFY(acl.isAdmin(admin));
    QVERIFY(sub(admin, "#").isEmpty());
    QVERIFY(acl.rolesOf(QStringLiteral("dev-7")).contains(QStringLiteral("sensor")));

    // A token's own grants add to the roles'.
    Identity granted;
    granted.authenticated = true;
    granted.clientId = QStringLiteral("g");
    granted.subscribeGrants = {TopicFilter::parse("extra/#")};
    QVERIFY(sub(granted, "extra/1").isEmpty());
    QVERIFY(!sub(granted, "other").isEmpty());
}

void TestAuth::aclFileErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("not json") << QByteArray("{") << "JSON";
    QTest::newRow("unknown key") << QByteArray(R"({"rolez": {}})") << "rolez";
    QTest::newRow("bad filter") << QByteArray(R"({"roles": {"r": {"subscribe": ["a/#/b"]}}})")
                                << "roles.r.subscribe";
    QTest::newRow("unknown role key") << QByteArray(R"({"roles": {"r": {"read": []}}})") << "read";
    QTest::newRow("anonymous role unknown")
        << QByteArray(R"({"anonymous": "ghost", "roles": {}})") << "ghost";
    QTest::newRow("client role unknown")
        << QByteArray(R"({"roles": {}, "clients": {"c": ["ghost"]}})") << "clients.c";
    QTest::newRow("admin not bool")
        << QByteArray(R"({"roles": {"r": {"admin": "yes"}}})") << "admin";
}

void TestAuth::aclFileErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorPart);
    QString error;
    const Acl acl = Acl::fromJson(json, &error);
    QVERIFY2(error.contains(errorPart), qPrintable(error));
    QVERIFY(!acl.isEnabled());
    QVERIFY(Acl::fromFile(QStringLiteral("/nonexistent/acl.json"), &error).roleNames().isEmpty());
    QVERIFY(error.contains(QLatin1String("/nonexistent/acl.json")));
}

void TestAuth::tokens()
{
    const QByteArray secret = "0123456789abcdef0123456789abcdef";
    const JwtVerifier jwt(secret, 30000);
    const qint64 now = 1'800'000'000'000;
    Identity who;
    const QJsonObject claims {{QStringLiteral("sub"), QStringLiteral("dev-1")},
                              {QStringLiteral("roles"), QJsonArray {QStringLiteral("sensor")}},
                              {QStringLiteral("subscribe"), QJsonArray {QStringLiteral("x/#")}},
                              {QStringLiteral("exp"), double(now / 1000 + 60)}};
    QCOMPARE(jwt.verify(makeToken(claims, secret), now, &who), QString());
    QCOMPARE(who.clientId, QStringLiteral("dev-1"));
    QVERIFY(who.roles.contains(QStringLiteral("sensor")));
    QCOMPARE(who.subscribeGrants.size(), 1);
    QCOMPARE(who.expiresAtMs, now + 60000 + 30000);

    auto refused = [&](const QByteArray &t, const char *part) {
        Identity ignored;
        const QString error = jwt.verify(t, now, &ignored);
        return error.contains(QLatin1String(part))
            ? QString()
            : error + QStringLiteral(" / ") + QString::fromLatin1(t);
    };
    // Forged: another secret; alg none with no signature; another algorithm.
    QCOMPARE(refused(makeToken(claims, "another secret"), "signature"), QString());
    const QByteArray valid = makeToken(claims, secret);
    const QByteArray none
        = base64Url(R"({"alg":"none","typ":"JWT"})") + '.' + valid.split('.').at(1) + '.';
    QCOMPARE(refused(none, "algorithm"), QString());
    QCOMPARE(refused(makeToken(claims, secret, "HS512"), "HS512"), QString());
    QCOMPARE(refused(makeToken(claims, secret, "hs256"), "algorithm"), QString());
    // A flipped bit in the payload.
    QByteArray tampered = valid;
    tampered[valid.indexOf('.') + 3] = tampered[valid.indexOf('.') + 3] == 'A' ? 'B' : 'A';
    QCOMPARE(refused(tampered, "signature"), QString());
    // Times, with the 30 s leeway.
    QJsonObject expired = claims;
    expired[QStringLiteral("exp")] = double(now / 1000 - 31);
    QCOMPARE(refused(makeToken(expired, secret), "expired"), QString());
    expired[QStringLiteral("exp")] = double(now / 1000 - 20); // within the leeway
    QCOMPARE(jwt.verify(makeToken(expired, secret), now, &who), QString());
    QJsonObject early = claims;
    early[QStringLiteral("nbf")] = double(now / 1000 + 120);
    QCOMPARE(refused(makeToken(early, secret), "not valid yet"), QString());
    QJsonObject badExp = claims;
    badExp[QStringLiteral("exp")] = QStringLiteral("tomorrow");
    QCOMPARE(refused(makeToken(badExp, secret), "numbers"), QString());
    // Claims.
    QJsonObject noSub = claims;
    noSub.remove(QStringLiteral("sub"));
    QCOMPARE(refused(makeToken(noSub, secret), "sub"), QString());
    QJsonObject crlf = claims;
    crlf[QStringLiteral("sub")] = QStringLiteral("a\r\nb");
    QCOMPARE(refused(makeToken(crlf, secret), "sub"), QString());
    QJsonObject badRoles = claims;
    badRoles[QStringLiteral("roles")] = QStringLiteral("admin");
    QCOMPARE(refused(makeToken(badRoles, secret), "roles"), QString());
    QJsonObject badGrant = claims;
    badGrant[QStringLiteral("publish")] = QJsonArray {QStringLiteral("a/#/b")};
    QCOMPARE(refused(makeToken(badGrant, secret), "publish"), QString());
    // Malformed.
    for (const QByteArray &garbage :
         {QByteArray(), QByteArray("abc"), QByteArray("a.b"), QByteArray("a.b.c.d"),
          QByteArray("!!.??.**"), QByteArray(".."), QByteArray(9000, 'a')})
        QVERIFY2(!jwt.verify(garbage, now, &who).isEmpty(), garbage.left(20).constData());
    // No secret configured: no token is accepted.
    QVERIFY(!JwtVerifier().verify(valid, now, &who).isEmpty());
}

void TestAuth::credentials()
{
    QCOMPARE(cookieValue("a=1; ssehub_token=xyz; b=2", "ssehub_token"), QByteArray("xyz"));
    QVERIFY(cookieValue("a=1", "ssehub_token").isNull());

    Authenticator::Options options;
    options.jwtSecret = "s3cret-s3cret-s3cret";
    const Authenticator auth(options);
    const qint64 now = 1'800'000'000'000;
    const QByteArray t = makeToken(
        {{QStringLiteral("sub"), QStringLiteral("c1")}, {QStringLiteral("exp"), 1'800'000'060.0}},
        options.jwtSecret);
    Identity who;
    Credentials bearer;
    bearer.authorization = "Bearer " + t;
    QCOMPARE(auth.identify(bearer, now, &who), QString());
    QCOMPARE(who.clientId, QStringLiteral("c1"));
    Credentials cookie;
    cookie.cookieHeader = "x=y; ssehub_token=" + t;
    QCOMPARE(auth.identify(cookie, now, &who), QString());
    Credentials query;
    query.hasQueryToken = true;
    query.queryToken = t;
    QCOMPARE(auth.identify(query, now, &who), QString());
    Credentials basic;
    basic.authorization = "Basic dXNlcjpwYXNz";
    QVERIFY(auth.identify(basic, now, &who).contains(QLatin1String("Bearer")));
    QVERIFY(auth.identify(Credentials(), now, &who).contains(QLatin1String("required")));
    // Nothing configured: open.
    QCOMPARE(Authenticator().identify(Credentials(), now, &who), QString());
    QVERIFY(Authenticator().isAdmin(who));
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
