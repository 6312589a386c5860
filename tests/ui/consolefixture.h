#pragma once
// What the console's GUI tests share: a console window over a real engine thread (as main()
// wires them), the tests' view of its rows, and small helpers. Included by the tst_console*
// files; every helper is inline.
#include "api/enginethread.h"
#include "engine/engine.h"
#include "hub/hub.h"
#include "link/remotetarget.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "stream/ssestream.h"
#include "widgets/confirmation.h"

#include <QDir>
#include <QCoreApplication>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QUrl>
#include <QTranslator>
#include <QTimer>
#include <QStandardPaths>
#include <QSettings>

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ssehub::test {

// What every console test does first: settings in a throw-away place (never the developer's own)
// and emptied, and English plural forms installed as the app does for an English locale. False
// when the English translation is missing from the resources.
inline bool prepareConsoleTest(const char *name)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ssehub-test"));
    QCoreApplication::setApplicationName(QLatin1String(name));
    QSettings().clear();
    static QTranslator english;
    if (!english.load(QStringLiteral(":/i18n/ssehub_en.qm")))
        return false;
    QCoreApplication::installTranslator(&english);
    return true;
}

// Publishes 2 MiB events on the engine's thread, one per turn of its loop (so that snapshots keep
// coming), until the stream of clientId holds bytes in its own queue: its reader has stopped and
// the kernel's buffers are full, so from then on its last progress stays where it is.
inline void fillQueueOf(EngineThread &engine, const QString &clientId)
{
    engine.post([clientId](Engine *e) {
        auto *timer = new QTimer(e);
        QObject::connect(timer, &QTimer::timeout, e, [e, timer, clientId] {
            for (const SseStream *s : e->hub()->streams()) {
                if (s->client()->id == clientId && s->bytesQueued() > 0) {
                    timer->deleteLater();
                    return;
                }
            }
            const QByteArray big = '"' + QByteArray(2 * 1024 * 1024, 'x') + '"';
            e->publish({"bulk", {}, big}, [](const PublishResult &) {});
        });
        timer->start(0);
    });
}

inline Engine::Config baseConfig()
{
    Engine::Config config;
    config.port = 0;
    config.statsIntervalMs = 50;
    config.dataDir.clear();
    return config;
}

// A console window over an engine thread, as main() wires them. The confirmations of Stop,
// Quit, Apply and restart, Disconnect and bulk actions are waived (as "Don't ask again" does)
// unless asked for: tst_consolesafety drives them; other tests drive the actions themselves.
struct Console
{
    EngineThread engine;
    std::unique_ptr<MainWindow> window;

    explicit Console(bool confirmations = false)
    {
        if (confirmations)
            Confirmation::resetWaivers();
        else
            Confirmation::waiveAll();
    }

    bool start(const Engine::Config &config)
    {
        window = std::make_unique<MainWindow>(&engine, config);
        if (!window->startEngine())
            return false;
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }
    // Attached to a server this test runs (`ssehub --headless`), as `ssehub --connect` does.
    bool attach(quint16 port, const QString &tokenFile = {})
    {
        window = std::make_unique<MainWindow>(&engine, EngineConfig());
        RemoteTarget target;
        target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        target.tokenFile = tokenFile;
        if (!window->attach(target))
            return false;
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }
    ~Console()
    {
        window.reset();
        engine.stop();
    }
    quint16 port() const { return engine.port(); }
    ConnectionsModel *model() const { return window->connectionsModel(); }
    int rowFor(const QString &client) const
    {
        for (int row = 0; row < model()->rowCount(); ++row) {
            if (model()->rowAt(row).clientId == client)
                return row;
        }
        return -1;
    }
    QString cell(const QString &client, int column) const
    {
        const int row = rowFor(client);
        return row < 0 ? QString() : model()->index(row, column).data().toString();
    }
    quint64 eventsSent(const QString &client) const
    {
        const int row = rowFor(client);
        return row < 0 ? 0 : model()->rowAt(row).eventsSent;
    }
    // Selects a client's stream in the Connections view, as a click would.
    bool select(const QString &client)
    {
        auto *view = window->findChild<QTableView *>(QStringLiteral("connectionsView"));
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        const int row = rowFor(client);
        if (!view || !proxy || row < 0)
            return false;
        view->setCurrentIndex(proxy->mapFromSource(model()->index(row, 0)));
        return true;
    }
    void click(const QString &button)
    {
        auto *b = window->findChild<QPushButton *>(button);
        QVERIFY2(b, qPrintable(button));
        QTest::mouseClick(b, Qt::LeftButton);
    }
};

inline bool hasLogEntry(MainWindow *window, LogEntry::Kind kind, const QString &client)
{
    for (int row = 0; row < window->logModel()->rowCount(); ++row) {
        const LogEntry &e = window->logModel()->entryAt(row);
        if (e.kind == kind && e.clientId == client)
            return true;
    }
    return false;
}

inline QByteArray clientPath(const QByteArray &client, const QByteArray &filter)
{
    return "/events?topic=" + QUrl::toPercentEncoding(QString::fromUtf8(filter))
        + "&client_id=" + client;
}

// The server's end of a TCP connection in this process: the socket bound to serverPort whose
// peer is clientPort on loopback; -1 if there is none.
inline int serverSocketOf(quint16 serverPort, quint16 clientPort)
{
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &name : fds.entryList(QDir::Files | QDir::System)) {
        bool ok = false;
        const int fd = name.toInt(&ok);
        if (!ok)
            continue;
        sockaddr_in local {}, peer {};
        socklen_t localLength = sizeof(local), peerLength = sizeof(peer);
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLength) != 0
            || ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0
            || local.sin_family != AF_INET || peer.sin_family != AF_INET)
            continue;
        if (ntohs(local.sin_port) == serverPort && ntohs(peer.sin_port) == clientPort)
            return fd;
    }
    return -1;
}

// RFC 4180 fields of one CSV record (the tests' own reading, independent of the writer).
inline QStringList csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size()
                && line.at(i + 1) == QLatin1Char('"')) {
                field += QLatin1Char('"');
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

// The open confirmation of the window (visible, not yet answered), within five seconds.
inline Confirmation *waitForConfirmation(QWidget *window)
{
    Confirmation *found = nullptr;
    (void)QTest::qWaitFor(
        [&] {
            for (Confirmation *dialog : window->findChildren<Confirmation *>()) {
                if (dialog->isVisible()) {
                    found = dialog;
                    return true;
                }
            }
            return false;
        },
        5000);
    return found;
}

inline bool confirmationOpen(QWidget *window)
{
    for (Confirmation *dialog : window->findChildren<Confirmation *>()) {
        if (dialog->isVisible())
            return true;
    }
    return false;
}

inline QString questionOf(Confirmation *dialog)
{
    return dialog->findChild<QLabel *>(QStringLiteral("confirmQuestion"))->text();
}

inline void answer(Confirmation *dialog, bool accept)
{
    QTest::mouseClick(dialog->findChild<QPushButton *>(accept ? QStringLiteral("confirmAccept")
                                                              : QStringLiteral("confirmCancel")),
                      Qt::LeftButton);
}

// Answers the window's open confirmation; returns its question ("" when none was open).
inline QString answerConfirmation(QWidget *window, bool accept)
{
    Confirmation *dialog = waitForConfirmation(window);
    if (!dialog)
        return {};
    const QString question = questionOf(dialog);
    answer(dialog, accept);
    return question;
}

} // namespace ssehub::test
