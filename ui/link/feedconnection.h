#pragma once

#include "consolefeed.h"
#include "enginelink.h"
#include "remotetarget.h"
#include "ssereader.h"

#include <QNetworkRequest>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
QT_END_NAMESPACE

namespace ssehub {

// The answer to one admin request: status 0 when no HTTP answer came (error says why).
struct HttpAnswer
{
    int status = 0;
    QByteArray body; // at most MaxBodyBytes
    QString error; // the network's reason when status is 0

    // What went wrong, for the operator: the server's {"error": ...}, or the status, or the
    // network's reason.
    QString problem() const;
    QJsonObject json() const;
};

// One node's GET /console/feed and its admin routes, on the link's worker thread: the bytes
// are read there (SseReader), decoded there (FeedDecoder) and only finished snapshots leave.
// Reconnects with exponential backoff and jitter, resuming with Last-Event-ID; credentials
// refused wait a minute before the next try.
class FeedConnection : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype MaxEventBytes = 64 * 1024 * 1024; // one feed event
    static constexpr qsizetype MaxBodyBytes = 4 * 1024 * 1024; // one admin answer
    static constexpr int SilenceMs = 45000; // heartbeats come every 15 s
    static constexpr int RequestTimeoutMs = 15000;
    static constexpr int MinBackoffMs = 500;
    static constexpr int MaxBackoffMs = 15000;
    static constexpr int RefusedRetryMs = 60000;

    // inFlight: snapshots handed to the GUI thread and not applied yet; while two wait, the
    // next is held back (the decoder keeps gathering, nothing is lost).
    FeedConnection(QNetworkAccessManager *network, const QUrl &base,
                   const RemoteCredentials &credentials, std::atomic<int> *inFlight,
                   QObject *parent = nullptr);
    ~FeedConnection() override;

    void start();
    // Drops the current attempt or wait and connects at once.
    void reconnectNow();
    QUrl base() const { return m_base; }
    const EngineLink::Status &status() const { return m_status; }

    // An admin request to this node; done runs on this thread.
    void send(const QByteArray &method, const QString &path, const QByteArray &body,
              std::function<void(const HttpAnswer &)> done);
    // The live tail wanted on this feed: set now, and again whenever a new feed (a reconnect)
    // does not have it. done (may be empty) gets the first answer.
    void setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    void statusChanged(const ssehub::EngineLink::Status &status);
    void logGap(quint64 missed, qint64 lostAtMs);

private:
    void connectFeed();
    void onReadyRead();
    void onFinished(QNetworkReply *reply);
    // The link is down: says why and schedules the next attempt.
    void lost(const QString &why, bool refused = false);
    void setStatus(EngineLink::State state, const QString &message, qint64 retryAt = 0);
    void takeSnapshot();
    QNetworkRequest request(const QString &path) const;

    QNetworkAccessManager *m_network;
    QUrl m_base;
    RemoteCredentials m_credentials;
    std::atomic<int> *m_inFlight;
    QPointer<QNetworkReply> m_reply;
    SseReader m_reader {MaxEventBytes};
    FeedDecoder m_decoder;
    bool m_resume = true; // send Last-Event-ID (false after an event that did not follow)
    bool m_liveOnThisReply = false;
    bool m_typeChecked = false; // the answer is an event stream
    bool m_everLive = false;
    bool m_pending = false; // applied events not taken yet
    int m_attempt = 0; // failures since the link was last live
    quint64 m_gapSeen = 0;
    qint64 m_lostAtMs = 0;
    QByteArray m_errorBody;
    QTimer *m_retry;
    QTimer *m_hold; // takes a held-back snapshot once the GUI caught up
    EngineLink::Status m_status;

    QByteArray m_tail; // wanted
    QByteArray m_tailFeed; // the last feed told (its id): a new one is told again
    bool m_tailSending = false;
    std::function<void(const LinkAnswer &)> m_tailDone;
};

} // namespace ssehub
