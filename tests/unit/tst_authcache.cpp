// What the Authenticator remembers (auth/authcache): verified tokens for as long as verify would
// accept them, ACL decisions per what they depend on, both bounded, and never a failure.
#include "aclof.h"
#include "auth/auth.h"
#include "proto/topicfilter.h"
#include "tokens.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <algorithm>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray CacheSecret = "0123456789abcdef0123456789abcdef";
constexpr qint64 CacheNow = 1'800'000'000'000;

// A token for `sub` signed with CacheSecret, expiring a minute after CacheNow; `extra` adds or
// replaces claims.
QByteArray cacheToken(const QString &sub, const QJsonObject &extra = {})
{
    QJsonObject claims {{QStringLiteral("sub"), sub},
                        {QStringLiteral("exp"), double(CacheNow / 1000 + 60)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        claims[it.key()] = it.value();
    return makeToken(claims, CacheSecret);
}

Credentials bearerOf(const QByteArray &token)
{
    Credentials credentials;
    credentials.authorization = "Bearer " + token;
    return credentials;
}

// identify, then checkPublish: the 401 or 403 message, or empty when both pass.
QString publishAs(const Authenticator &auth, const QByteArray &token, const QByteArray &topic)
{
    Identity who;
    if (QString problem = auth.identify(bearerOf(token), CacheNow, &who); !problem.isEmpty())
        return problem;
    return auth.checkPublish(who, topic);
}

} // namespace

class TestAuthCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cachedTokenLastsUntilExpiry();
    void cachedTokenWithoutExpiry();
    void forgedTokenNeverHitsCache();
    void tokenCacheBounded();
    void decisionCacheBounded();
    void cachedDecisionsPerClientId();
    void cachedDecisionsPerRolesAndGrants();
    void cachedDecisionsMatchUncached();
    void reloadStartsWithEmptyCache();
    void sharedDecisionsFollowEveryInput();
    void clientIdInDenyRulesOnly();
};

// A verified token is remembered exactly as long as verify would accept it: until exp plus the
// leeway, and not before nbf less the leeway (a wall clock may step back).
void TestAuthCache::cachedTokenLastsUntilExpiry()
{
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.leewayMs = 30000;
    const Authenticator auth(options);
    const qint64 expMs = (CacheNow / 1000 + 60) * 1000;
    const Credentials bearer = bearerOf(cacheToken(QStringLiteral("dev-1")));
    Identity who;
    QCOMPARE(auth.identify(bearer, CacheNow, &who), QString());
    QCOMPARE(auth.cacheStats().tokens, 1);
    QCOMPARE(auth.cacheStats().tokenHits, 0u);
    Identity again;
    QCOMPARE(auth.identify(bearer, expMs + 30000 - 1, &again), QString());
    QCOMPARE(auth.cacheStats().tokenHits, 1u);
    QCOMPARE(again.clientId, who.clientId);
    QCOMPARE(again.expiresAtMs, expMs + 30000);
    QCOMPARE(again.token, who.token);
    // At exp + leeway the entry is dropped and the token verified again, which refuses it.
    QCOMPARE(auth.identify(bearer, expMs + 30000, &again), QStringLiteral("token expired"));
    QCOMPARE(auth.cacheStats().tokens, 0);
    QCOMPARE(auth.cacheStats().tokenHits, 1u);
    QVERIFY(again.clientId.isEmpty());

    // nbf: not remembered while in the future; once valid, not answered for an earlier time.
    const qint64 nbfMs = CacheNow + 120000;
    const Credentials early
        = bearerOf(cacheToken(QStringLiteral("dev-2"),
                              {{QStringLiteral("nbf"), double(nbfMs / 1000)},
                               {QStringLiteral("exp"), double(nbfMs / 1000 + 60)}}));
    QCOMPARE(auth.identify(early, CacheNow, &who), QStringLiteral("token not valid yet (nbf)"));
    QCOMPARE(auth.cacheStats().tokens, 0);
    QCOMPARE(auth.identify(early, nbfMs - 30000, &who), QString());
    QCOMPARE(auth.cacheStats().tokens, 1);
    QCOMPARE(auth.identify(early, nbfMs - 30001, &who),
             QStringLiteral("token not valid yet (nbf)"));
    QCOMPARE(auth.cacheStats().tokens, 0);
}

// A token without exp (when allowed) is remembered for a bounded time, then verified again.
void TestAuthCache::cachedTokenWithoutExpiry()
{
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.allowTokensWithoutExp = true;
    options.cache.noExpiryMs = 60000;
    const Authenticator auth(options);
    const Credentials bearer
        = bearerOf(makeToken({{QStringLiteral("sub"), QStringLiteral("dev-1")}}, CacheSecret));
    Identity who;
    QCOMPARE(auth.identify(bearer, CacheNow, &who), QString());
    QCOMPARE(auth.identify(bearer, CacheNow + 59999, &who), QString());
    QCOMPARE(auth.cacheStats().tokenHits, 1u);
    QCOMPARE(auth.cacheStats().tokenMisses, 1u);
    QCOMPARE(auth.identify(bearer, CacheNow + 60000, &who), QString());
    QCOMPARE(auth.cacheStats().tokenHits, 1u); // verified again, and remembered again
    QCOMPARE(auth.cacheStats().tokenMisses, 2u);
    QCOMPARE(auth.cacheStats().tokens, 1);
    QCOMPARE(who.expiresAtMs, 0);
}

// Failures are not remembered: a forged token is verified (and refused) every time, and a flood
// of them takes no room from a good token.
void TestAuthCache::forgedTokenNeverHitsCache()
{
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.cache.tokens = 4;
    const Authenticator auth(options);
    const QByteArray good = cacheToken(QStringLiteral("dev-1"));
    Identity who;
    QCOMPARE(auth.identify(bearerOf(good), CacheNow, &who), QString());
    // The same claims under another secret; the good token with a signature byte changed.
    const QByteArray otherSecret
        = makeToken({{QStringLiteral("sub"), QStringLiteral("dev-1")},
                     {QStringLiteral("exp"), double(CacheNow / 1000 + 60)}},
                    "another secret");
    QByteArray flipped = good;
    const qsizetype at = good.lastIndexOf('.') + 5;
    flipped[at] = flipped.at(at) == 'A' ? 'B' : 'A';
    for (int i = 0; i < 100; ++i) {
        for (const QByteArray &forged : {otherSecret, flipped}) {
            QVERIFY(auth.identify(bearerOf(forged), CacheNow, &who)
                        .contains(QLatin1String("signature")));
            QVERIFY(!who.authenticated);
        }
        // Forged claims that would carry a good token's bytes in another part are refused too.
        QVERIFY(!auth.identify(bearerOf(good + "x"), CacheNow, &who).isEmpty());
    }
    const AuthCache::Stats stats = auth.cacheStats();
    QCOMPARE(stats.tokens, 1);
    QCOMPARE(stats.tokenHits, 0u);
    QCOMPARE(stats.evictions, 0u);
    QCOMPARE(auth.identify(bearerOf(good), CacheNow, &who), QString());
    QCOMPARE(auth.cacheStats().tokenHits, 1u);
}

// A flood of distinct valid tokens cannot grow the cache past its bounds; a token in use stays.
void TestAuthCache::tokenCacheBounded()
{
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.cache.tokenBytes = 64 * 1024;
    const Authenticator auth(options);
    const QByteArray hot = cacheToken(QStringLiteral("hot"));
    Identity who;
    quint64 hotHits = 0;
    qint64 peak = 0;
    for (int i = 0; i < 2000; ++i) {
        const QJsonObject padding {{QStringLiteral("pad"), QString(i % 7 * 50, QLatin1Char('p'))}};
        QCOMPARE(auth.identify(bearerOf(cacheToken(QStringLiteral("dev-%1").arg(i), padding)),
                               CacheNow, &who),
                 QString());
        const AuthCache::Stats before = auth.cacheStats();
        QCOMPARE(auth.identify(bearerOf(hot), CacheNow, &who), QString());
        QCOMPARE(who.clientId, QStringLiteral("hot"));
        hotHits += auth.cacheStats().tokenHits - before.tokenHits;
        peak = qMax(peak, auth.cacheStats().tokenBytes);
        QVERIFY2(auth.cacheStats().tokenBytes <= options.cache.tokenBytes,
                 qPrintable(QString::number(auth.cacheStats().tokenBytes)));
    }
    const AuthCache::Stats stats = auth.cacheStats();
    QVERIFY(stats.evictions > 1000);
    QVERIFY(peak > options.cache.tokenBytes / 2); // it was really used
    QCOMPARE(hotHits, 1999u); // all but the first: the least recently used go first
    QVERIFY(stats.tokens > 20);

    // The count bound, with room in bytes.
    options.cache.tokenBytes = 8 * 1024 * 1024;
    options.cache.tokens = 50;
    const Authenticator counted(options);
    for (int i = 0; i < 500; ++i) {
        QCOMPARE(
            counted.identify(bearerOf(cacheToken(QStringLiteral("dev-%1").arg(i))), CacheNow, &who),
            QString());
        QVERIFY(counted.cacheStats().tokens <= 50);
    }
    QVERIFY(counted.cacheStats().tokens >= 37);
}

void TestAuthCache::decisionCacheBounded()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.acl = aclOf(R"({"roles": {"r": {"publish": ["a/#"], "subscribe": ["a/#"]}},
                            "clients": {"dev-1": ["r"]}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    options.cache.decisionBytes = 32 * 1024;
    const Authenticator auth(options);
    Identity who;
    QCOMPARE(auth.identify(bearerOf(cacheToken(QStringLiteral("dev-1"))), CacheNow, &who),
             QString());
    for (int i = 0; i < 3000; ++i) {
        const QByteArray n = QByteArray::number(i);
        QCOMPARE(auth.checkPublish(who, "a/" + n), QString());
        QCOMPARE(auth.checkPublish(who, "b/" + n),
                 QStringLiteral("this client may not publish to '%1'")
                     .arg(QString::fromLatin1("b/" + n)));
        QCOMPARE(auth.checkSubscribe(who, TopicFilter::parse("a/+/" + n)), QString());
        QVERIFY(auth.cacheStats().decisionBytes <= options.cache.decisionBytes);
    }
    QVERIFY(auth.cacheStats().evictions > 0);
    QVERIFY(auth.cacheStats().decisions > 50);
}

// %c rules: the same topic is allowed for one client and refused for another with the same
// roles, so a decision must not be shared between them.
void TestAuthCache::cachedDecisionsPerClientId()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.acl = aclOf(R"({"roles": {"dev": {"publish": ["devices/%c/#"],
                                              "subscribe": ["devices/%c/#"],
                                              "deny": ["devices/%c/secret"]}}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator auth(options);
    const QJsonObject dev {{QStringLiteral("roles"), QJsonArray {QStringLiteral("dev")}}};
    const QByteArray alice = cacheToken(QStringLiteral("alice"), dev);
    const QByteArray bob = cacheToken(QStringLiteral("bob"), dev);
    for (int round = 0; round < 2; ++round) { // the second round is answered from the cache
        QCOMPARE(publishAs(auth, alice, "devices/alice/x"), QString());
        QCOMPARE(publishAs(auth, bob, "devices/alice/x"),
                 QStringLiteral("this client may not publish to 'devices/alice/x'"));
        QCOMPARE(publishAs(auth, bob, "devices/bob/x"), QString());
        QCOMPARE(publishAs(auth, alice, "devices/bob/x"),
                 QStringLiteral("this client may not publish to 'devices/bob/x'"));
        QCOMPARE(publishAs(auth, alice, "devices/alice/secret"),
                 QStringLiteral("topic 'devices/alice/secret' is denied by "
                                "'devices/alice/secret'"));
        QCOMPARE(publishAs(auth, bob, "devices/alice/secret"),
                 QStringLiteral("this client may not publish to 'devices/alice/secret'"));
        Identity a, b;
        QCOMPARE(auth.identify(bearerOf(alice), CacheNow, &a), QString());
        QCOMPARE(auth.identify(bearerOf(bob), CacheNow, &b), QString());
        const TopicFilter aliceAll = TopicFilter::parse("devices/alice/+");
        QVERIFY(auth.checkSubscribe(a, aliceAll).contains(QLatin1String("devices/alice/secret")));
        QVERIFY(auth.checkSubscribe(b, aliceAll).contains(QLatin1String("not within")));
        QCOMPARE(auth.checkSubscribe(a, TopicFilter::parse("devices/alice/in")), QString());
        QVERIFY(!auth.checkSubscribe(b, TopicFilter::parse("devices/alice/in")).isEmpty());
    }
    QVERIFY(auth.cacheStats().decisionHits >= 10);
    QCOMPARE(auth.cacheStats().tokens, 2);
}

// One sub, tokens with different roles or grants: each gets its own decision.
void TestAuthCache::cachedDecisionsPerRolesAndGrants()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.acl = aclOf(R"({"roles": {"reader": {"subscribe": ["w/#"]},
                                      "writer": {"publish": ["w/#"], "subscribe": ["w/#"]}}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator auth(options);
    const QString carol = QStringLiteral("carol");
    const QByteArray reader
        = cacheToken(carol, {{QStringLiteral("roles"), QJsonArray {QStringLiteral("reader")}}});
    const QByteArray writer
        = cacheToken(carol, {{QStringLiteral("roles"), QJsonArray {QStringLiteral("writer")}}});
    const QByteArray granted
        = cacheToken(carol, {{QStringLiteral("publish"), QJsonArray {QStringLiteral("w/x")}}});
    const QByteArray plain = cacheToken(carol);
    const QString refused = QStringLiteral("this client may not publish to 'w/x'");
    for (int round = 0; round < 2; ++round) {
        QCOMPARE(publishAs(auth, reader, "w/x"), refused);
        QCOMPARE(publishAs(auth, writer, "w/x"), QString());
        QCOMPARE(publishAs(auth, granted, "w/x"), QString());
        QCOMPARE(publishAs(auth, plain, "w/x"), refused);
        QCOMPARE(publishAs(auth, granted, "w/y"),
                 QStringLiteral("this client may not publish to "
                                "'w/y'"));
    }
    // Without an ACL, only the token's own grants limit it.
    Authenticator::Options tokensOnly;
    tokensOnly.jwtSecret = CacheSecret;
    const Authenticator open(tokensOnly);
    const QByteArray other
        = cacheToken(carol, {{QStringLiteral("publish"), QJsonArray {QStringLiteral("v/x")}}});
    for (int round = 0; round < 2; ++round) {
        QCOMPARE(publishAs(open, granted, "w/x"), QString());
        QCOMPARE(publishAs(open, other, "w/x"),
                 QStringLiteral("the token may not publish to 'w/x'"));
        QCOMPARE(publishAs(open, plain, "w/x"), QString());
    }
    QVERIFY(open.cacheStats().decisionHits >= 2);
}

// The cache answers what the ACL answers, message for message.
void TestAuthCache::cachedDecisionsMatchUncached()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.acl = aclOf(R"({"anonymous": "viewer",
        "roles": {"viewer": {"subscribe": ["public/#"]},
                  "sensor": {"subscribe": ["sensor/+/data", "user/%c/#"],
                             "publish": ["sensor/%c/data"],
                             "deny": ["control/#", "sensor/secret/#"]},
                  "ops": {"publish": ["control/#"], "admin": true}},
        "clients": {"dev-7": ["sensor"], "root": ["ops"]}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Authenticator cached(options);
    Authenticator::Options off = options;
    off.cache.tokenBytes = 0;
    off.cache.decisionBytes = 0;
    const Authenticator uncached(off);
    QCOMPARE(uncached.cacheStats().tokenMisses, 0u);

    QList<Credentials> who {
        Credentials(), bearerOf(cacheToken(QStringLiteral("dev-7"))),
        bearerOf(cacheToken(QStringLiteral("dev-8"))), bearerOf(cacheToken(QStringLiteral("root"))),
        bearerOf(cacheToken(QStringLiteral("dev-8"),
                            {{QStringLiteral("roles"),
                              QJsonArray {QStringLiteral("sensor"), QStringLiteral("viewer")}}}))};
    const QList<QByteArray> subjects {
        "sensor/dev-7/data", "sensor/dev-8/data", "control/reboot", "sensor/secret/data",
        "public/news",       "user/dev-7/inbox",  "sensor/+/data",  "#",
        "user/dev-8/#"};
    for (int round = 0; round < 2; ++round) {
        for (const Credentials &credentials : std::as_const(who)) {
            Identity a, b;
            QCOMPARE(cached.identify(credentials, CacheNow, &a),
                     uncached.identify(credentials, CacheNow, &b));
            QCOMPARE(a.clientId, b.clientId);
            QCOMPARE(a.roles, b.roles);
            QCOMPARE(cached.isAdmin(a), uncached.isAdmin(b));
            for (const QByteArray &subject : subjects) {
                const TopicFilter filter = TopicFilter::parse(subject);
                QCOMPARE(cached.checkSubscribe(a, filter), uncached.checkSubscribe(b, filter));
                if (!filter.hasWildcard())
                    QCOMPARE(cached.checkPublish(a, subject), uncached.checkPublish(b, subject));
            }
        }
    }
    QVERIFY(cached.cacheStats().decisionHits > 40);
    QCOMPARE(uncached.cacheStats().decisions, 0);
}

// A reload builds a new Authenticator: it starts empty and never answers from the old rules,
// while copies of one Authenticator share what they learnt.
void TestAuthCache::reloadStartsWithEmptyCache()
{
    QString error;
    Authenticator::Options optionsA;
    optionsA.jwtSecret = CacheSecret;
    optionsA.acl
        = aclOf(R"({"roles": {"r": {"publish": ["news/#"]}}, "clients": {"c": ["r"]}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    Authenticator::Options optionsB = optionsA;
    optionsB.acl = aclOf(R"({"roles": {"r": {"publish": ["news/#"], "deny": ["news/x"]}},
                             "clients": {"c": ["r"]}})",
                         &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QByteArray token = cacheToken(QStringLiteral("c"));

    Authenticator front(optionsA);
    const Authenticator hub = front; // as the engine hands it to the front and the hub
    QCOMPARE(publishAs(front, token, "news/x"), QString());
    QCOMPARE(publishAs(hub, token, "news/x"), QString());
    QCOMPARE(hub.cacheStats().tokenHits, 1u);
    QCOMPARE(front.cacheStats().decisionHits, 1u);

    front = Authenticator(optionsB); // POST /access/reload
    QCOMPARE(front.cacheStats().tokens, 0);
    QCOMPARE(front.cacheStats().decisions, 0);
    QCOMPARE(publishAs(front, token, "news/x"),
             QStringLiteral("topic 'news/x' is denied by 'news/x'"));
    QCOMPARE(publishAs(front, token, "news/x"),
             QStringLiteral("topic 'news/x' is denied by 'news/x'"));
    QCOMPARE(front.cacheStats().decisionHits, 1u);
    QCOMPARE(publishAs(hub, token, "news/x"), QString()); // the old copy keeps its own rules
    Identity old, fresh;
    QCOMPARE(hub.identify(bearerOf(token), CacheNow, &old), QString());
    QCOMPARE(front.reidentify(old, CacheNow, &fresh), QString());
    QCOMPARE(front.checkPublish(fresh, "news/x"),
             QStringLiteral("topic 'news/x' is denied by 'news/x'"));

    // A new secret: the token the old rules remembered is verified again, and refused.
    Authenticator::Options rotated = optionsB;
    rotated.jwtSecret = "another-secret-another-secret-0123";
    const Authenticator next(rotated);
    QVERIFY(next.reidentify(old, CacheNow, &fresh).contains(QLatin1String("signature")));
    QVERIFY(publishAs(next, token, "news/y").contains(QLatin1String("signature")));
}

// Without %c in the ACL, clients share decisions by roles and grants: every other input that
// tells two clients apart (the ACL's clients and units, the anonymous role, token roles and
// grants, a certificate) still gives each its own answer, asked in an order where a shared
// wrong answer would show.
void TestAuthCache::sharedDecisionsFollowEveryInput()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.clientCertificates = true;
    options.acl = aclOf(R"({"anonymous": "viewer",
        "roles": {"viewer": {"subscribe": ["pub/#"], "publish": ["pub/#"]},
                  "writer": {"publish": ["a/#"], "subscribe": ["a/#"], "deny": ["a/secret"]},
                  "unit": {"publish": ["b/#"], "subscribe": ["b/#"]}},
        "clients": {"alice": ["writer"]}, "units": {"ops": ["unit"]}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!options.acl.usesClientId());
    const Authenticator cached(options);
    Authenticator::Options off = options;
    off.cache.tokenBytes = 0;
    off.cache.decisionBytes = 0;
    const Authenticator uncached(off);

    QList<Identity> who;
    auto add = [&](const Credentials &credentials) {
        Identity identity;
        QCOMPARE(cached.identify(credentials, CacheNow, &identity), QString());
        who << identity;
    };
    add(bearerOf(cacheToken(QStringLiteral("bob")))); // no roles
    add(bearerOf(cacheToken(QStringLiteral("alice")))); // writer, from the ACL's clients
    add(bearerOf(cacheToken(QStringLiteral("bob"), // writer, from the token
                            {{QStringLiteral("roles"), QJsonArray {QStringLiteral("writer")}}})));
    add(bearerOf(cacheToken(QStringLiteral("bob"), // a grant of its own
                            {{QStringLiteral("publish"), QJsonArray {QStringLiteral("a/secret")}},
                             {QStringLiteral("subscribe"), QJsonArray {QStringLiteral("c/#")}}})));
    add(Credentials()); // anonymous: viewer
    add(bearerOf(cacheToken(QStringLiteral("carol"), // viewer, but authenticated
                            {{QStringLiteral("roles"), QJsonArray {QStringLiteral("viewer")}}})));
    for (const QStringList &units : {QStringList(), QStringList {QStringLiteral("ops")}}) {
        Identity identity;
        QCOMPARE(cached.identifyCertificate({QStringLiteral("dave")}, units, CacheNow + 60000,
                                            &identity),
                 QString());
        who << identity;
    }
    const QList<QByteArray> subjects {"a/x", "a/secret", "b/x", "pub/x", "c/1", "a/#", "#"};
    for (int round = 0; round < 3; ++round) {
        for (const Identity &identity : std::as_const(who)) {
            for (const QByteArray &subject : subjects) {
                const TopicFilter filter = TopicFilter::parse(subject);
                QCOMPARE(cached.checkSubscribe(identity, filter),
                         uncached.checkSubscribe(identity, filter));
                if (!filter.hasWildcard())
                    QCOMPARE(cached.checkPublish(identity, subject),
                             uncached.checkPublish(identity, subject));
            }
        }
        std::reverse(who.begin(), who.end()); // the other client asks first
    }
    // Spot checks of what the answers are.
    QVERIFY(!cached.checkPublish(who.last(), "a/x").isEmpty()); // bob, no roles
    QCOMPARE(cached.checkPublish(who.at(who.size() - 2), "a/x"), QString()); // alice
    QCOMPARE(cached.checkPublish(who.at(who.size() - 2), "a/secret"),
             QStringLiteral("topic 'a/secret' is denied by 'a/secret'")); // alice: writer's deny
    QCOMPARE(cached.checkPublish(who.at(who.size() - 4), "a/secret"), QString()); // bob's grant
    QVERIFY(cached.cacheStats().decisionHits > 0);
    // alice (writer by the ACL) and bob (writer by the token) share their decisions.
    QCOMPARE(decisionKey('p', who.at(who.size() - 2), {}, "a/x", true, false),
             decisionKey('p', who.at(who.size() - 3), {}, "a/x", true, false));
    QVERIFY(decisionKey('p', who.at(who.size() - 2), {}, "a/x")
            != decisionKey('p', who.at(who.size() - 3), {}, "a/x"));
}

// %c in a deny rule alone is enough for decisions to be kept per client: the same role allows
// bob what it denies alice.
void TestAuthCache::clientIdInDenyRulesOnly()
{
    QString error;
    Authenticator::Options options;
    options.jwtSecret = CacheSecret;
    options.acl = aclOf(R"({"roles": {"dev": {"publish": ["devices/#"],
                                              "subscribe": ["devices/#"],
                                              "deny": ["devices/%c/secret"]}}})",
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(options.acl.usesClientId());
    const Authenticator auth(options);
    const QJsonObject dev {{QStringLiteral("roles"), QJsonArray {QStringLiteral("dev")}}};
    const QByteArray alice = cacheToken(QStringLiteral("alice"), dev);
    const QByteArray bob = cacheToken(QStringLiteral("bob"), dev);
    for (int round = 0; round < 2; ++round) {
        QCOMPARE(publishAs(auth, bob, "devices/alice/secret"), QString());
        QCOMPARE(publishAs(auth, alice, "devices/alice/secret"),
                 QStringLiteral("topic 'devices/alice/secret' is denied by "
                                "'devices/alice/secret'"));
        QCOMPARE(publishAs(auth, alice, "devices/bob/secret"), QString());
        QCOMPARE(publishAs(auth, bob, "devices/bob/secret"),
                 QStringLiteral("topic 'devices/bob/secret' is denied by 'devices/bob/secret'"));
        Identity a, b;
        QCOMPARE(auth.identify(bearerOf(alice), CacheNow, &a), QString());
        QCOMPARE(auth.identify(bearerOf(bob), CacheNow, &b), QString());
        const TopicFilter aliceAll = TopicFilter::parse("devices/alice/#");
        QCOMPARE(auth.checkSubscribe(b, aliceAll), QString());
        QVERIFY(auth.checkSubscribe(a, aliceAll).contains(QLatin1String("denied")));
    }
    // A role gone %c-free by a reload shares again.
    options.acl = aclOf(R"({"roles": {"dev": {"publish": ["devices/#"]}}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!options.acl.usesClientId());
}

QTEST_GUILESS_MAIN(TestAuthCache)
#include "tst_authcache.moc"
