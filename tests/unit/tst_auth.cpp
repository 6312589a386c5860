// Authorization pieces without a server: filter containment and intersection (checked against a
// brute-force reference over every topic of a small universe), the ACL file, HS256 tokens.
#include "aclof.h"
#include "auth/auth.h"
#include "proto/topicfilter.h"
#include "tokens.h"

#include <QElapsedTimer>
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
    void clientIdDenyFailsClosed();
    void tokenEncodingAndClaims();
    void tokensWithoutExpiry();
    void certificateIdentity();
    void reidentify();
    void forgedAndEdgeCaseTokens();
    void signedEdgeCaseClaims();
    void expiryBelowOneMillisecond();
    void streamTokensLookedUpNotRemembered();
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
    const Acl acl = aclOf(R"({
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
    QTest::newRow("clients not an array")
        << QByteArray(R"({"roles": {"r": {}}, "clients": {"c": "r"}})")
        << "clients.c must be an array of role names";
    // The units list follows the same rules as the clients list.
    QTest::newRow("units not an array")
        << QByteArray(R"({"roles": {"r": {}}, "units": {"ops": "r"}})")
        << "units.ops must be an array of role names";
    QTest::newRow("unit role unknown")
        << QByteArray(R"({"roles": {"r": {}}, "units": {"ops": ["ghost"]}})") << "units.ops";
    // A section of the wrong shape is refused, not read as empty.
    QTest::newRow("roles not an object") << QByteArray(R"({"roles": ["r"]})") << "'roles'";
    QTest::newRow("clients not an object")
        << QByteArray(R"({"roles": {"r": {}}, "clients": ["c"]})") << "'clients'";
    QTest::newRow("units not an object")
        << QByteArray(R"({"roles": {"r": {}}, "units": "ops"})") << "'units'";
}

void TestAuth::aclFileErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorPart);
    // Refused: there is no ACL to use by mistake (an empty one would allow everything).
    const HubResult<Acl> acl = Acl::fromJson(json);
    QVERIFY(!acl.ok());
    QCOMPARE(acl.failure().error, HubError::InvalidArgument);
    QVERIFY2(acl.failure().message.contains(errorPart), qPrintable(acl.failure().message));
    const HubResult<Acl> missing = Acl::fromFile(QStringLiteral("/nonexistent/acl.json"));
    QVERIFY(!missing.ok());
    QVERIFY(missing.failure().message.contains(QLatin1String("/nonexistent/acl.json")));
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

// A deny rule with %c holds for a client id that cannot stand for one level: as if %c were '+'.
void TestAuth::clientIdDenyFailsClosed()
{
    QString error;
    const Acl acl = aclOf(R"({"roles": {"r": {"subscribe": ["#"], "publish": ["#"],
                                                      "deny": ["private/%c/#"]}}})",
                          &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char *id : {"", "+", "#", "a/b", "alice/x"}) {
        Identity who;
        who.authenticated = true;
        who.clientId = QString::fromLatin1(id);
        who.roles = {QStringLiteral("r")};
        QVERIFY2(acl.checkSubscribe(who, TopicFilter::parse("private/alice/inbox"))
                     .contains(QLatin1String("private/+/#")),
                 id);
        QVERIFY2(!acl.checkPublish(who, "private/bob/inbox").isEmpty(), id);
        QVERIFY2(acl.checkSubscribe(who, TopicFilter::parse("public/x")).isEmpty(), id);
    }
    // A usable id: the rule denies its own level only.
    Identity alice;
    alice.authenticated = true;
    alice.clientId = QStringLiteral("alice");
    alice.roles = {QStringLiteral("r")};
    QVERIFY(!acl.checkSubscribe(alice, TopicFilter::parse("private/alice/inbox")).isEmpty());
    QVERIFY(acl.checkSubscribe(alice, TopicFilter::parse("private/bob/inbox")).isEmpty());
}

void TestAuth::tokenEncodingAndClaims()
{
    const QByteArray secret = "0123456789abcdef0123456789abcdef";
    const JwtVerifier jwt(secret, 0);
    const qint64 now = 1'800'000'000'000;
    const QJsonObject claims {{QStringLiteral("sub"), QStringLiteral("dev-1")},
                              {QStringLiteral("exp"), double(now / 1000 + 60)}};
    const QByteArray valid = makeToken(claims, secret);
    Identity who;
    QCOMPARE(jwt.verify(valid, now, &who), QString());
    QCOMPARE(who.token, valid); // kept for a reload to verify again

    // The signature (32 bytes: 43 characters, the last one carrying 2 unused bits) spelled
    // differently: the same bytes, not the canonical text.
    const QByteArray signature = valid.mid(valid.lastIndexOf('.') + 1);
    QCOMPARE(signature.size(), 43);
    static const QByteArray alphabet
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const qsizetype last = alphabet.indexOf(signature.back());
    QVERIFY(last % 4 == 0);
    QByteArray twin = valid;
    twin.back() = alphabet.at(last + 1); // differs only in the unused bits
    QCOMPARE(
        QByteArray::fromBase64(twin.mid(twin.lastIndexOf('.') + 1), QByteArray::Base64UrlEncoding),
        QByteArray::fromBase64(signature, QByteArray::Base64UrlEncoding));
    QVERIFY(jwt.verify(twin, now, &who).contains(QLatin1String("base64url")));

    // A claim that appears twice (a verifier that keeps the first and one that keeps the last
    // would see different clients), also when spelled with an escape.
    auto signedPayload = [&](const QByteArray &payload) -> QByteArray {
        const QByteArray head = base64Url(R"({"alg":"HS256","typ":"JWT"})");
        const QByteArray body = base64Url(payload);
        return head + '.' + body + '.'
            + base64Url(QMessageAuthenticationCode::hash(head + '.' + body, secret,
                                                         QCryptographicHash::Sha256));
    };
    const QByteArray exp = QByteArray::number(now / 1000 + 60);
    QCOMPARE(jwt.verify(signedPayload(R"({"sub":"dev-1","exp":)" + exp + "}"), now, &who),
             QString());
    QVERIFY(jwt.verify(signedPayload(R"({"sub":"dev-1","sub":"ops","exp":)" + exp + "}"), now, &who)
                .contains(QLatin1String("twice")));
    QVERIFY(jwt.verify(signedPayload(R"({"sub":"dev-1","s\u0075b":"ops","exp":)" + exp + "}"), now,
                       &who)
                .contains(QLatin1String("twice")));
    // The same key in different objects is fine.
    QCOMPARE(jwt.verify(signedPayload(R"({"sub":"dev-1","a":{"sub":1},"b":[{"sub":2}],"exp":)" + exp
                                      + "}"),
                        now, &who),
             QString());
    const QByteArray twoAlgs = base64Url(R"({"alg":"HS256","alg":"none"})");
    const QByteArray body = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray forgedHeader = twoAlgs + '.' + body + '.'
        + base64Url(QMessageAuthenticationCode::hash(twoAlgs + '.' + body, secret,
                                                     QCryptographicHash::Sha256));
    QVERIFY(jwt.verify(forgedHeader, now, &who).contains(QLatin1String("twice")));

    // A sub that is not one safe topic level.
    for (const char *sub : {"a/b", "+", "#", "x+y"}) {
        QJsonObject c = claims;
        c[QStringLiteral("sub")] = QString::fromLatin1(sub);
        QVERIFY2(jwt.verify(makeToken(c, secret), now, &who).contains(QLatin1String("sub")), sub);
    }
}

void TestAuth::tokensWithoutExpiry()
{
    const QByteArray secret = "0123456789abcdef0123456789abcdef";
    const qint64 now = 1'800'000'000'000;
    const QJsonObject noExp {{QStringLiteral("sub"), QStringLiteral("dev-1")}};
    QJsonObject zeroExp = noExp;
    zeroExp[QStringLiteral("exp")] = 0;
    Identity who;
    for (const QJsonObject &claims : {noExp, zeroExp}) {
        QVERIFY(JwtVerifier(secret, 0)
                    .verify(makeToken(claims, secret), now, &who)
                    .contains(QLatin1String("--allow-tokens-without-exp")));
        QCOMPARE(JwtVerifier(secret, 0, true).verify(makeToken(claims, secret), now, &who),
                 QString());
        QCOMPARE(who.expiresAtMs, 0);
    }
    Authenticator::Options options;
    options.jwtSecret = secret;
    Credentials bearer;
    bearer.authorization = "Bearer " + makeToken(noExp, secret);
    QVERIFY(!Authenticator(options).identify(bearer, now, &who).isEmpty());
    options.allowTokensWithoutExp = true;
    QCOMPARE(Authenticator(options).identify(bearer, now, &who), QString());
}

void TestAuth::certificateIdentity()
{
    QString error;
    Authenticator::Options options;
    options.clientCertificates = true;
    options.acl = aclOf(R"({"roles": {"r": {"subscribe": ["#"]}, "u": {}},
                                    "clients": {"dev-1": ["r"]}, "units": {"ops": ["u"]}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator auth(options);
    Identity who;
    QCOMPARE(auth.identifyCertificate(QStringList {QStringLiteral("dev-1")},
                                      {QStringLiteral("ops")}, 5000, &who),
             QString());
    QCOMPARE(who.clientId, QStringLiteral("dev-1"));
    QCOMPARE(who.roles, (QSet<QString> {QStringLiteral("r"), QStringLiteral("u")}));
    QVERIFY(who.certificate);
    // Two CNs: which one is the client? Refused.
    QVERIFY(auth.identifyCertificate(QStringList {QStringLiteral("dev-1"), QStringLiteral("ops")},
                                     {}, 5000, &who)
                .contains(QLatin1String("2 common names")));
    QVERIFY(who.clientId.isEmpty() && who.roles.isEmpty());
    for (const char *cn : {"", "a/b", "+", "#", "x+y"}) {
        QVERIFY2(!auth.identifyCertificate(QStringList {QString::fromLatin1(cn)}, {}, 5000, &who)
                      .isEmpty(),
                 cn);
    }
    QVERIFY(!auth.identifyCertificate(QStringList(), {}, 5000, &who).isEmpty());
}

// A reload verifies an identity again under the new rules.
void TestAuth::reidentify()
{
    const qint64 now = 1'800'000'000'000;
    QString error;
    Authenticator::Options options;
    options.jwtSecret = "0123456789abcdef0123456789abcdef";
    options.acl = aclOf(R"({"anonymous": "r", "roles": {"r": {}}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator before(options);
    Identity who;
    Credentials bearer;
    bearer.authorization = "Bearer "
        + makeToken({{QStringLiteral("sub"), QStringLiteral("dev-1")},
                     {QStringLiteral("exp"), double(now / 1000 + 60)}},
                    options.jwtSecret);
    QCOMPARE(before.identify(bearer, now, &who), QString());
    Identity again;
    QCOMPARE(before.reidentify(who, now, &again), QString());
    QCOMPARE(again.clientId, QStringLiteral("dev-1"));
    Authenticator::Options rotated = options;
    rotated.jwtSecret = "another-secret-another-secret-0123";
    QVERIFY(
        Authenticator(rotated).reidentify(who, now, &again).contains(QLatin1String("signature")));
    // Anonymous: holds while the rules have an anonymous role.
    Identity anonymous;
    QCOMPARE(before.identify(Credentials(), now, &anonymous), QString());
    QCOMPARE(before.reidentify(anonymous, now, &again), QString());
    Authenticator::Options closed = options;
    closed.acl = aclOf(R"({"roles": {"r": {}}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!Authenticator(closed).reidentify(anonymous, now, &again).isEmpty());
}

namespace {

const QByteArray EdgeSecret = "0123456789abcdef0123456789abcdef";
constexpr qint64 EdgeNow = 1'800'000'000'000;

// header.payload.signature from these JSON texts as given (no re-encoding), signed with secret.
QByteArray signedTexts(const QByteArray &header, const QByteArray &payload,
                       const QByteArray &secret = EdgeSecret)
{
    const QByteArray input = base64Url(header) + '.' + base64Url(payload);
    return input + '.'
        + base64Url(QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256));
}

QByteArray edgeClaims(const QByteArray &extra = {})
{
    return R"({"sub":"dev-1","exp":)" + QByteArray::number(EdgeNow / 1000 + 60) + extra + "}";
}

} // namespace

// What an attacker without the secret can send: none of it verifies, nothing crashes, and the
// work done before the signature check stays small.
void TestAuth::forgedAndEdgeCaseTokens()
{
    const JwtVerifier jwt(EdgeSecret, 0);
    const QByteArray body = base64Url(edgeClaims());
    auto verify = [&](const QByteArray &token) -> QString {
        Identity who;
        const QString problem = jwt.verify(token, EdgeNow, &who);
        if (problem.isEmpty())
            return QStringLiteral("accepted: ") + QString::fromLatin1(token.left(80));
        return problem;
    };
    // alg none / empty / other algorithms / alg as a non-string, with no or a junk signature.
    for (const char *header :
         {R"({"alg":"none"})", R"({"alg":"None","typ":"JWT"})", R"({"alg":""})",
          R"({"alg":"HS256 "})", R"({"alg":"RS256"})", R"({"alg":["HS256"]})",
          R"({"alg":{"HS256":1}})", R"({"alg":null})", R"({"typ":"JWT"})", R"({})",
          R"({"alg":"HS256","crit":[]})", R"({"alg":"HS256","b64":false,"crit":["b64"]})",
          "{\"alg\":\"HS256\\u0000\"}", R"({"alg":"HS256","alg":"HS256"})",
          R"({"alg":"HS256","\u0061lg":"none"})"}) {
        for (const QByteArray &signature : {QByteArray(), QByteArray("AAAA")}) {
            const QByteArray token = base64Url(header) + '.' + body + '.' + signature;
            QVERIFY2(!verify(token).startsWith(QLatin1String("accepted")), header);
        }
    }
    // The shape of the token.
    const QByteArray good = signedTexts(R"({"alg":"HS256"})", edgeClaims());
    QCOMPARE(verify(good), QStringLiteral("accepted: ") + QString::fromLatin1(good.left(80)));
    const qsizetype dot = good.lastIndexOf('.');
    for (const QByteArray &bad :
         {QByteArray(good + '.'), QByteArray('.' + good), QByteArray(good + "A"),
          good.left(dot + 1), good.left(dot), QByteArray(good).insert(dot, '.'),
          QByteArray(good).insert(good.indexOf('.'), '='), QByteArray(good).replace('.', ".."),
          QByteArray(good).insert(5, '\0'), QByteArray(good).insert(5, ' '),
          QByteArray(good).append('\0')})
        QVERIFY2(!verify(bad).startsWith(QLatin1String("accepted")), bad.constData());
    // The signature of another algorithm's length, or of a truncated length.
    const QByteArray input = good.left(dot);
    QVERIFY(!verify(input + '.'
                    + base64Url(QMessageAuthenticationCode::hash(input, EdgeSecret,
                                                                 QCryptographicHash::Sha512)))
                 .startsWith(QLatin1String("accepted")));
    const QByteArray mac
        = QMessageAuthenticationCode::hash(input, EdgeSecret, QCryptographicHash::Sha256);
    QVERIFY(verify(input + '.' + base64Url(mac.left(31))).contains(QLatin1String("signature")));
    QVERIFY(verify(input + '.' + base64Url(mac + '\0')).contains(QLatin1String("signature")));

    // Headers a forger controls, read before the signature is checked: nested as deep as
    // allowed, deeper, many members, repeated names far apart, a lone surrogate; all refused
    // (none is signed), quickly.
    QList<QByteArray> headers;
    headers << "{\"alg\":\"HS256\",\"x\":" + QByteArray(31, '[') + QByteArray(31, ']') + "}";
    headers << "{\"alg\":\"HS256\",\"x\":" + QByteArray(2000, '[') + QByteArray(2000, ']') + "}";
    headers << "{\"alg\":\"HS256\",\"x\":" + QByteArray(5000, '{');
    QByteArray many = R"({"alg":"HS256")";
    for (int i = 0; many.size() < 5800; ++i)
        many += ",\"" + QByteArray::number(i) + "\":0";
    headers << many + '}' << many + R"(,"0":1})" << many + R"(,"\u0030":1})";
    QByteArray zeros = R"({"alg":"HS256","x":[0)";
    while (zeros.size() < 5900)
        zeros += ",1e-300";
    headers << zeros + "]}";
    headers << R"({"alg":"HS256","x":"\ud800"})";
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < 20; ++round) {
        for (const QByteArray &header : std::as_const(headers)) {
            const QByteArray token = base64Url(header) + '.' + body + '.' + base64Url(mac);
            QVERIFY(token.size() <= 8192);
            QVERIFY(!verify(token).startsWith(QLatin1String("accepted")));
        }
    }
    // 160 forged tokens of up to 8 KiB: about a millisecond each at most even unoptimized.
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    // Most of them are not even decoded: a header over 1 KiB is refused as it is, and one just
    // under that is read.
    const auto withHeader = [&](const QByteArray &header) {
        return verify(base64Url(header) + '.' + body + '.' + base64Url(mac));
    };
    QCOMPARE(withHeader(many + '}'), QStringLiteral("malformed token header (over 1024 bytes)"));
    QByteArray small = R"({"alg":"HS256","x":")";
    small += QByteArray(766 - small.size(), 'x') + R"("})";
    QCOMPARE(base64Url(small).size(), 1024);
    QCOMPARE(withHeader(small), QStringLiteral("token signature is not valid"));
    QCOMPARE(withHeader(small.insert(20, "xyz")),
             QStringLiteral("malformed token header (over 1024 bytes)"));
    // The refused algorithm is named in printable ASCII only (it ends up in logs).
    QCOMPARE(withHeader(R"({"alg":"H\nS\u0007256\u00e9"})"),
             QStringLiteral("token algorithm 'H?S?256?"
                            "?' is not accepted (only HS256)"));
}

// Claims a verifier must read one way only (they are signed: the issuer's mistakes, not forgery).
void TestAuth::signedEdgeCaseClaims()
{
    const JwtVerifier jwt(EdgeSecret, 0);
    Identity who;
    auto verify = [&](const QByteArray &header, const QByteArray &payload) {
        return jwt.verify(signedTexts(header, payload), EdgeNow, &who);
    };
    const QByteArray exp = QByteArray::number(EdgeNow / 1000 + 60);
    // alg written with escapes is still HS256 (JSON compares decoded strings).
    QCOMPARE(verify(R"({"alg":"HS\u0032\u0035\u0036","kid":"k1"})", edgeClaims()), QString());
    QCOMPARE(verify(R"({"\u0061lg":"HS256"})", edgeClaims()), QString());
    QVERIFY(
        verify(R"({"alg":"HS256","crit":["exp"]})", edgeClaims()).contains(QLatin1String("crit")));
    // A header nested deeper than 32 levels, even signed.
    QVERIFY(verify("{\"alg\":\"HS256\",\"x\":" + QByteArray(32, '[') + QByteArray(32, ']') + "}",
                   edgeClaims())
                .contains(QLatin1String("deeper")));
    // Repeated claims through escapes at any level.
    QVERIFY(verify(R"({"alg":"HS256"})", edgeClaims(R"(,"s\u0075b":"ops")"))
                .contains(QLatin1String("twice")));
    QVERIFY(verify(R"({"alg":"HS256"})",
                   edgeClaims(",\"x\":{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}"))
                .contains(QLatin1String("twice")));
    // Names that differ by a NUL are different names: "sub\u0000" is not "sub".
    QCOMPARE(verify(R"({"alg":"HS256"})", edgeClaims(R"(,"sub\u0000":"ops")")), QString());
    QCOMPARE(who.clientId, QStringLiteral("dev-1"));
    // exp/nbf: strings, out of range, negative are refused; -0 is 0 (no expiry).
    for (const QByteArray &bad :
         {QByteArray("\"" + exp + "\""), QByteArray("1e999"), QByteArray("-1"), QByteArray("1e14"),
          QByteArray("null"), QByteArray("[" + exp + "]"), QByteArray("true")}) {
        QVERIFY2(!verify(R"({"alg":"HS256"})", R"({"sub":"dev-1","exp":)" + bad + "}").isEmpty(),
                 bad.constData());
        QVERIFY2(!verify(R"({"alg":"HS256"})", edgeClaims(R"(,"nbf":)" + bad)).isEmpty(),
                 bad.constData());
    }
    QVERIFY(verify(R"({"alg":"HS256"})", R"({"sub":"dev-1","exp":-0})")
                .contains(QLatin1String("no expiry")));
    QCOMPARE(verify(R"({"alg":"HS256"})", R"({"sub":"dev-1","exp":)" + exp + ".999e0}"), QString());
    // sub: empty, control characters (escaped), NUL, too long, not a string, a wildcard.
    for (const QByteArray &sub :
         {QByteArray("\"\""), QByteArray("\"a\\u0000b\""), QByteArray("\"a\\nb\""),
          QByteArray("\"a\\u007fb\""), QByteArray("\"" + QByteArray(129, 'a') + "\""),
          QByteArray("1"), QByteArray("[\"a\"]"), QByteArray("\"a\\/b\""),
          QByteArray("\"\\u002b\""), QByteArray("\"\\u0023\"")}) {
        QVERIFY2(verify(R"({"alg":"HS256"})", R"({"exp":)" + exp + R"(,"sub":)" + sub + "}")
                     .contains(QLatin1String("sub")),
                 sub.constData());
    }
    const QByteArray longest = "{\"exp\":" + exp + ",\"sub\":\"" + QByteArray(128, 'a') + "\"}";
    QCOMPARE(verify(R"({"alg":"HS256"})", longest), QString());
    QCOMPARE(verify(R"({"alg":"HS256"})", R"({"exp":)" + exp + R"(,"sub":"d\u00e9v"})"), QString());
    QCOMPARE(who.clientId, QStringLiteral("d\u00e9v"));
    // roles and grants: arrays of strings only.
    QVERIFY(verify(R"({"alg":"HS256"})", edgeClaims(R"(,"roles":["a",1])"))
                .contains(QLatin1String("roles")));
    QVERIFY(verify(R"({"alg":"HS256"})", edgeClaims(",\"subscribe\":\"#\""))
                .contains(QLatin1String("subscribe")));
    QCOMPARE(verify(R"({"alg":"HS256"})", edgeClaims(R"(,"roles":[],"publish":[])")), QString());
}

// An exp below one millisecond (1e-4 s: long past) is an expiry, not "no expiry": a server that
// accepts tokens without exp must still refuse it as expired.
// FAILS before the fix: the seconds were truncated to 0 ms, which reads as "no exp".
void TestAuth::expiryBelowOneMillisecond()
{
    Identity who;
    for (const char *exp : {"0.0001", "1e-300", "0.0009"}) {
        const QByteArray token
            = signedTexts(R"({"alg":"HS256"})", R"({"sub":"dev-1","exp":)" + QByteArray(exp) + "}");
        QVERIFY2(JwtVerifier(EdgeSecret, 0, true)
                     .verify(token, EdgeNow, &who)
                     .contains(QLatin1String("expired")),
                 exp);
        QVERIFY2(!JwtVerifier(EdgeSecret, 0).verify(token, EdgeNow, &who).isEmpty(), exp);
    }
    const QByteArray early = signedTexts(R"({"alg":"HS256"})", edgeClaims(R"(,"nbf":0.0001)"));
    QCOMPARE(JwtVerifier(EdgeSecret, 0).verify(early, EdgeNow, &who), QString());
}

// A stream's token (remember = false) is looked up in the cache but not added to it; a reload
// with a new secret refuses it whatever the old rules remembered; once expired it is refused
// even when it was remembered.
void TestAuth::streamTokensLookedUpNotRemembered()
{
    Authenticator::Options options;
    options.jwtSecret = EdgeSecret;
    QString error;
    options.acl
        = aclOf(R"({"roles": {"r": {"subscribe": ["x/#"]}}, "clients": {"dev-1": ["r"]}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator auth(options);
    Credentials stream;
    stream.authorization = "Bearer " + signedTexts(R"({"alg":"HS256"})", edgeClaims());
    stream.remember = false;
    Identity who;
    QCOMPARE(auth.identify(stream, EdgeNow, &who), QString());
    QVERIFY(who.roles.contains(QStringLiteral("r"))); // the ACL's roles all the same
    QCOMPARE(auth.cacheStats().tokens, 0);
    QCOMPARE(auth.identify(stream, EdgeNow, &who), QString());
    QCOMPARE(auth.cacheStats().tokens, 0);
    QCOMPARE(auth.cacheStats().tokenHits, 0u);
    Credentials request = stream;
    request.remember = true;
    QCOMPARE(auth.identify(request, EdgeNow, &who), QString());
    QCOMPARE(auth.cacheStats().tokens, 1);
    QCOMPARE(auth.identify(stream, EdgeNow, &who), QString()); // looked up: found
    QCOMPARE(auth.cacheStats().tokenHits, 1u);
    // Past exp and the 30 s leeway: refused, remembered or not.
    QVERIFY(auth.identify(stream, EdgeNow + 91'000, &who).contains(QLatin1String("expired")));
    QVERIFY(auth.identify(request, EdgeNow + 91'000, &who).contains(QLatin1String("expired")));
    // The same authenticator verifies a stream again (a console feed's periodic check) without
    // remembering it.
    Identity again;
    QCOMPARE(auth.identify(stream, EdgeNow, &who), QString());
    const int before = auth.cacheStats().tokens;
    QCOMPARE(auth.reidentify(who, EdgeNow, &again), QString());
    QCOMPARE(auth.cacheStats().tokens, before);
    // A reload with a new secret refuses it, although the old rules remembered it.
    Authenticator::Options rotated = options;
    rotated.jwtSecret = "another-secret-another-secret-0123";
    QVERIFY(Authenticator(rotated)
                .reidentify(who, EdgeNow, &again)
                .contains(QLatin1String("signature")));
    // A reload that drops the client's roles: it holds with the new rules' roles only.
    Authenticator::Options demoted = options;
    demoted.acl = aclOf(R"({"roles": {"r": {"subscribe": ["x/#"]}}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator after(demoted);
    QCOMPARE(after.reidentify(who, EdgeNow, &again), QString());
    QVERIFY(again.roles.isEmpty());
    QVERIFY(!after.checkSubscribe(again, TopicFilter::parse("x/1")).isEmpty());
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
