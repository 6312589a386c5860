#pragma once

#include "event.h"

#include <QObject>
#include <QString>

#include <functional>

namespace ssehub {

class EventHistory;

struct PublishRequest
{
    QByteArray topic;
    QByteArray type;
    QByteArray payloadJson; // one compact JSON value
};

struct PublishResult
{
    bool ok = false;
    quint64 id = 0;
    int delivered = 0; // local streams the event was handed to
    int httpStatus = 200;
    QString error;
};

// Where events get their ids and are kept: in process (LocalBroker) or shared (Redis, later).
// A broker hands every event it accepts to the sink, which fans it out to the local streams.
class Broker : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<int(const EventPtr &)>;
    using Done = std::function<void(const PublishResult &)>;

    using QObject::QObject;
    ~Broker() override = default;

    void setSink(Sink sink) { m_sink = std::move(sink); }

    virtual QString name() const = 0;
    virtual void publish(const PublishRequest &request, Done done) = 0;
    virtual const EventHistory &history() const = 0;

protected:
    int dispatch(const EventPtr &event) { return m_sink ? m_sink(event) : 0; }

private:
    Sink m_sink;
};

} // namespace ssehub
