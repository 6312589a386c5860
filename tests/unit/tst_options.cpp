#include "api/configschema.h"
#include "engine/engine.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace ssehub;

// The option table (api/configschema.h): value parsing, defaults, the reload diff and
// docs/CONFIG.md.
class TestOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void durations_data();
    void durations();
    void sizes_data();
    void sizes();
    void counts();
    void textForms();
    void messages_data();
    void messages();
    void subscriptionDurationsInOrder();
    void defaultsAreEngineConfigs();
    void reloadableOptionsApplyLive();
    void otherOptionsNeedRestart();
    void configDocMatchesTable();

private:
    // A valid value of each engine option other than its default.
    static QVariant changed(const ConfigOption &option, const QTemporaryDir &dir);
};

void TestOptions::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("bare seconds") << "30" << qint64(30000);
    QTest::newRow("seconds") << "30s" << qint64(30000);
    QTest::newRow("ms") << "500ms" << qint64(500);
    QTest::newRow("minutes") << "5m" << qint64(300000);
    QTest::newRow("fraction") << "1.5m" << qint64(90000);
    QTest::newRow("hours") << " 12h " << qint64(12 * 3600000LL);
    QTest::newRow("days") << "7d" << qint64(7 * 86400000LL);
    QTest::newRow("empty") << "" << qint64(-1);
    QTest::newRow("word") << "soon" << qint64(-1);
    QTest::newRow("negative") << "-1s" << qint64(-1);
    QTest::newRow("unknown unit") << "5w" << qint64(-1);
    QTest::newRow("over ten years") << "3651d" << qint64(-1);
}

void TestOptions::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QCOMPARE(parseDurationMs(text), ms);
}

void TestOptions::sizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("bytes") << "1048576" << qint64(1048576);
    QTest::newRow("K") << "64K" << qint64(65536);
    QTest::newRow("KiB") << "64KiB" << qint64(65536);
    QTest::newRow("kb") << "2kb" << qint64(2048);
    QTest::newRow("MiB") << "1MiB" << qint64(1048576);
    QTest::newRow("G") << "1G" << qint64(1LL << 30);
    QTest::newRow("terabytes") << "1T" << qint64(-1);
    QTest::newRow("fraction") << "1.5M" << qint64(-1);
    QTest::newRow("negative") << "-1" << qint64(-1);
    QTest::newRow("word") << "big" << qint64(-1);
}

void TestOptions::sizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    QCOMPARE(parseSize(text), bytes);
}

void TestOptions::counts()
{
    QCOMPARE(parseCount(QStringLiteral("10000")), qint64(10000));
    QCOMPARE(parseCount(QStringLiteral("0")), qint64(0));
    QCOMPARE(parseCount(QStringLiteral("ten")), qint64(-1));
    QCOMPARE(parseCount(QStringLiteral("1.5")), qint64(-1));
}

void TestOptions::textForms()
{
    // What --print-config writes parses back to the same value.
    QCOMPARE(durationText(30000), QStringLiteral("30s"));
    QCOMPARE(durationText(1500), QStringLiteral("1500ms"));
    QCOMPARE(durationText(0), QStringLiteral("0ms"));
    QCOMPARE(durationText(7 * 86400000LL), QStringLiteral("7d"));
    QCOMPARE(sizeText(65536), QStringLiteral("64K"));
    QCOMPARE(sizeText(1000), QStringLiteral("1000"));
    for (const qint64 ms : {qint64(1), qint64(1500), qint64(60000), qint64(90061000)})
        QCOMPARE(parseDurationMs(durationText(ms)), ms);
    for (const qint64 bytes : {qint64(1), qint64(4096), qint64(3LL << 30)})
        QCOMPARE(parseSize(sizeText(bytes)), bytes);
}

void TestOptions::messages_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message"); // empty: accepted
    QTest::newRow("heartbeat 0")
        << "heartbeat"
        << "0"
        << "--heartbeat takes a duration of at least 1ms, e.g. 30s or 500ms, not '0'";
    QTest::newRow("heartbeat word")
        << "heartbeat"
        << "often"
        << "--heartbeat takes a duration of at least 1ms, e.g. 30s or 500ms, not 'often'";
    QTest::newRow("heartbeat 2d")
        << "heartbeat"
        << "2d"
        << "--heartbeat takes a duration of at least 1ms, e.g. 30s or 500ms, not '2d'";
    QTest::newRow("heartbeat 15s") << "heartbeat"
                                   << "15s"
                                   << "";
    QTest::newRow("max-queue small")
        << "max-queue"
        << "1000"
        << "--max-queue takes a size from 1K to 4G, e.g. 1M, not '1000'";
    QTest::newRow("max-queue 2MiB") << "max-queue"
                                    << "2MiB"
                                    << "";
    QTest::newRow("max-body big") << "max-body"
                                  << "65M"
                                  << "--max-body takes a size from 256 to 64M, not '65M'";
    QTest::newRow("max-connections word")
        << "max-connections"
        << "x"
        << "--max-connections takes a count from 0 (no limit) to 1000000, not 'x'";
    QTest::newRow("max-filters 0") << "max-filters"
                                   << "0"
                                   << "--max-filters takes a count from 1 to 1024, not '0'";
    QTest::newRow("history 5") << "history"
                               << "5"
                               << "";
    QTest::newRow("listen")
        << "listen"
        << "foo"
        << "--listen takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not 'foo'";
    QTest::newRow("listen v6") << "listen"
                               << "[::1]:99"
                               << "";
    QTest::newRow("redis-prefix")
        << "redis-prefix"
        << "a b"
        << "--redis-prefix takes 1 to 64 characters without spaces, glob characters (*?[]\\) or "
           "braces, not 'a b'";
    QTest::newRow("jwt-cookie") << "jwt-cookie"
                                << "a;b"
                                << "--jwt-cookie takes a cookie name, not 'a;b'";
    QTest::newRow("log-level") << "log-level"
                               << "trace"
                               << "--log-level takes debug, info, warning or error, not 'trace'";
    QTest::newRow("log-format") << "log-format"
                                << "xml"
                                << "--log-format takes text or json, not 'xml'";
    QTest::newRow("empty node-id") << "node-id"
                                   << ""
                                   << "";
}

void TestOptions::messages()
{
    QFETCH(QString, option);
    QFETCH(QString, text);
    QFETCH(QString, message);
    const ConfigOption *row = findConfigOption(option);
    QVERIFY(row);
    QVariant value;
    QString error;
    const bool ok = parseOptionValue(*row, {text}, QStringLiteral("--") + option, &value, &error);
    QCOMPARE(error, message);
    QCOMPARE(ok, message.isEmpty());

    // Prefixed messages: the checks of the lower floors, named by where the value came from.
    const ConfigOption *topics = findConfigOption(u"metrics-topics");
    QVERIFY(!parseOptionValue(*topics, {QStringLiteral("a"), QStringLiteral("a/#")},
                              QStringLiteral("SSEHUB_METRICS_TOPICS"), &value, &error));
    QVERIFY2(error.startsWith(QLatin1String("SSEHUB_METRICS_TOPICS: ")), qPrintable(error));
    const ConfigOption *redis = findConfigOption(u"redis");
    QVERIFY(!parseOptionValue(*redis, {QStringLiteral("http://x")}, QStringLiteral("--redis"),
                              &value, &error));
    QVERIFY2(error.startsWith(QLatin1String("--redis: invalid Redis URL 'http://x'")),
             qPrintable(error));
    QVERIFY(!redisUrlProblem(QStringLiteral("http://x")).isEmpty());
    QVERIFY(redisUrlProblem(QStringLiteral("redis://:pw@h:1/2")).isEmpty());
}

void TestOptions::subscriptionDurationsInOrder()
{
    EngineConfig config;
    QVERIFY(checkOptionCombination(config).isEmpty());
    config.lifecycle.graceMs = config.lifecycle.archiveAfterMs + 1;
    QCOMPARE(checkOptionCombination(config),
             QStringLiteral("the subscription durations must satisfy grace <= archive-after <= "
                            "delete-after"));
}

void TestOptions::defaultsAreEngineConfigs()
{
    const EngineConfig defaults;
    QSet<QString> names;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        QVERIFY2(!names.contains(name), option.name);
        names.insert(name);
        QCOMPARE(findConfigOption(name), &option);
        QVERIFY2(option.help && *option.help, option.name);
        QCOMPARE(option.takesValue(), option.valueName != nullptr);
        if (option.type == OptionType::Count || option.type == OptionType::Duration
            || option.type == OptionType::Size)
            QVERIFY2(option.takes && option.min <= option.max, option.name);
        if (option.scope != OptionScope::Engine) {
            QVERIFY2(!option.field.get && option.settingsPage == SettingsPage::None, option.name);
            continue;
        }
        QVERIFY2(option.field.get && option.field.set, option.name);
        // The console's settings dialog shows every option of the engine.
        QVERIFY2(option.settingsPage != SettingsPage::None && option.settingsLabel, option.name);
        const QVariant value = option.field.get(defaults);
        // Writing a value and reading it back gives the same value.
        EngineConfig copy;
        option.field.set(&copy, value);
        QCOMPARE(option.field.get(copy), value);
        if (option.type == OptionType::Flag)
            QVERIFY2(!value.toBool(), option.name); // a flag turns something on
        if (!option.defaultText)
            continue;
        QVariant parsed;
        QString error;
        if (!*option.defaultText) {
            QVERIFY2(option.type == OptionType::Text || option.type == OptionType::List,
                     option.name);
            QVERIFY2(option.type == OptionType::List ? value.toStringList().isEmpty()
                                                     : value.toString().isEmpty(),
                     option.name);
            continue;
        }
        QVERIFY2(
            parseOptionValue(option, {QLatin1String(option.defaultText)}, name, &parsed, &error),
            qPrintable(error));
        QVERIFY2(parsed == value || parsed.toDouble() == value.toDouble(), option.name);
        QVERIFY2(QLatin1String(option.defaultText)
                         == optionJson(option, value).toVariant().toString()
                     || option.type != OptionType::Text,
                 option.name);
    }
    QVERIFY(names.contains(QStringLiteral("heartbeat")));
}

QVariant TestOptions::changed(const ConfigOption &option, const QTemporaryDir &dir)
{
    const EngineConfig defaults;
    const QVariant value = option.field.get(defaults);
    const QString name = QLatin1String(option.name);
    switch (option.type) {
    case OptionType::Flag:
        return !value.toBool();
    case OptionType::Count:
    case OptionType::Duration:
    case OptionType::Size:
        return value.toLongLong() < option.max ? value.toLongLong() + 1 : value.toLongLong() - 1;
    case OptionType::Address:
        return QStringLiteral("127.0.0.2:1");
    case OptionType::List:
    case OptionType::Text:
        break;
    }
    const QHash<QString, QVariant> samples {
        {QStringLiteral("acl"), dir.filePath(QStringLiteral("acl.json"))},
        {QStringLiteral("jwt-secret-file"), dir.filePath(QStringLiteral("secret"))},
        {QStringLiteral("jwt-public-key-file"),
         QStringList {dir.filePath(QStringLiteral("key.pem"))}},
        {QStringLiteral("jwt-issuer"), QStringLiteral("https://id.example")},
        {QStringLiteral("jwt-audience"), QStringList {QStringLiteral("ssehub")}},
        {QStringLiteral("export-log"), dir.filePath(QStringLiteral("export.jsonl"))},
        {QStringLiteral("redis"), QStringLiteral("redis://127.0.0.1:1")},
        {QStringLiteral("redis-prefix"), QStringLiteral("other:")},
        {QStringLiteral("jwt-cookie"), QStringLiteral("other")},
        {QStringLiteral("node-id"), QStringLiteral("other")},
    };
    return samples.value(name,
                         option.type == OptionType::List
                             ? QVariant(QStringList {QStringLiteral("a")})
                             : QVariant(dir.filePath(name)));
}

void TestOptions::reloadableOptionsApplyLive()
{
    QTemporaryDir dir;
    QFile secret(dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("options-secret-options-secret-0123456789");
    secret.close();
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": null, "roles": {}})");
    acl.close();
    QProcess openssl;
    openssl.setWorkingDirectory(dir.path());
    openssl.start(
        QStringLiteral("sh"),
        {QStringLiteral("-c"),
         QStringLiteral("openssl genpkey -algorithm ed25519 | openssl pkey -pubout -out key.pem")});
    QVERIFY(openssl.waitForFinished());
    QCOMPARE(openssl.exitCode(), 0);

    EngineConfig config;
    config.port = 0;
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    EngineConfig next = engine.config();
    QList<const ConfigOption *> reloadable;
    for (const ConfigOption &option : configOptions()) {
        if (option.scope == OptionScope::Engine && option.reloadable) {
            option.field.set(&next, changed(option, dir));
            reloadable << &option;
        }
    }
    QVERIFY(reloadable.size() >= 15);
    bool ok = false;
    const QString message = engine.reconfigure(next, &ok);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("restart")), qPrintable(message));
    for (const ConfigOption *option : std::as_const(reloadable))
        QVERIFY2(option->field.get(engine.config()) == option->field.get(next), option->name);
    engine.stop();
}

void TestOptions::otherOptionsNeedRestart()
{
    QTemporaryDir dir;
    EngineConfig config;
    config.port = 0;
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    const EngineConfig running = engine.config();
    EngineConfig next = running;
    QStringList restart;
    for (const ConfigOption &option : configOptions()) {
        if (option.scope == OptionScope::Engine && !option.reloadable) {
            option.field.set(&next, changed(option, dir));
            QVERIFY2(option.field.get(next) != option.field.get(running), option.name);
            restart << QLatin1String(option.name);
        }
    }
    bool ok = false;
    const QString message = engine.reconfigure(next, &ok);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("need a restart to apply: ") + restart.join(u", ")),
             qPrintable(message));
    for (const ConfigOption &option : configOptions()) {
        if (option.scope == OptionScope::Engine && !option.reloadable)
            QVERIFY2(option.field.get(engine.config()) == option.field.get(running), option.name);
    }
    engine.stop();
}

void TestOptions::configDocMatchesTable()
{
    QFile file(QStringLiteral(SSEHUB_SOURCE_DIR "/docs/CONFIG.md"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString doc = QString::fromUtf8(file.readAll());

    // "## Command line": | `--name VALUE`[, `--other VALUE`] | default | meaning |
    const qsizetype start = doc.indexOf(QLatin1String("\n## Command line"));
    const qsizetype end = doc.indexOf(QLatin1String("\n## "), start + 1);
    QVERIFY(start > 0 && end > start);
    QHash<QString, QString> documented; // "--name VALUE" -> default cell
    static const QRegularExpression row(QStringLiteral("^\\| (`--[^|]*) \\|([^|]*)\\|"),
                                        QRegularExpression::MultilineOption);
    for (auto it = row.globalMatch(doc.mid(start, end - start)); it.hasNext();) {
        const auto match = it.next();
        for (QString name : match.captured(1).split(QStringLiteral(", "))) {
            name.remove(QLatin1Char('`'));
            documented.insert(name, match.captured(2).trimmed());
        }
    }
    QSet<QString> inTable {QStringLiteral("--help"), QStringLiteral("--version")};
    for (const ConfigOption &option : configOptions()) {
        QString name = QStringLiteral("--") + QLatin1String(option.name);
        if (option.valueName)
            name += QLatin1Char(' ') + QLatin1String(option.valueName);
        inTable.insert(name);
        if (option.scope == OptionScope::CommandLine || !documented.contains(name))
            continue;
        const QString cell = documented.value(name);
        if (option.type == OptionType::Flag)
            QVERIFY2(cell == QLatin1String("off"), qPrintable(name));
        else if (option.defaultText && !*option.defaultText)
            QVERIFY2(cell.startsWith(QLatin1String("none")), qPrintable(name + u": " + cell));
        else if (option.defaultText)
            QVERIFY2(cell.startsWith(u'`' + QLatin1String(option.defaultText) + u'`'),
                     qPrintable(name + u": " + cell));
    }
    const QList<QString> docNames = documented.keys();
    const QSet<QString> inDoc(docNames.cbegin(), docNames.cend());
    QVERIFY2(inDoc == inTable,
             qPrintable(u"only in CONFIG.md: " + QStringList((inDoc - inTable).values()).join(u", ")
                        + u"; only in the table: "
                        + QStringList((inTable - inDoc).values()).join(u", ")));

    // The reload paragraph names exactly the reloadable options.
    const qsizetype from = doc.indexOf(QLatin1String("Otherwise these apply at once:"));
    const qsizetype to = doc.indexOf(QLatin1String("A change to any other"), from);
    QVERIFY(from > 0 && to > from);
    QSet<QString> live;
    static const QRegularExpression quoted(QStringLiteral("`([a-z-]+)`"));
    for (auto it = quoted.globalMatch(doc.mid(from, to - from)); it.hasNext();) {
        const QString name = it.next().captured(1);
        if (findConfigOption(name))
            live.insert(name);
    }
    QSet<QString> reloadable;
    for (const ConfigOption &option : configOptions()) {
        if (option.reloadable)
            reloadable.insert(QLatin1String(option.name));
    }
    QCOMPARE(live, reloadable);
}

QTEST_GUILESS_MAIN(TestOptions)
#include "tst_options.moc"
