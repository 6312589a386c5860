// The hub's durable subscriptions: group commit of named clients on a writer thread.
#include "core/logcategories.h"
#include "hub/hub.h"
#include "hub/subscriptionstore.h"

#include <QElapsedTimer>

namespace ssehub {

QString Hub::attachStore(std::unique_ptr<SubscriptionStore> store)
{
    m_store = std::move(store);
    QString problem;
    const QHash<QString, Client> stored = m_store->load(&problem);
    for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
        Client *client = findOrCreate(it.key(), false);
        client->subscriptions = it.value().subscriptions;
        client->hasAck = it.value().hasAck;
        client->ackedId = it.value().ackedId;
        for (Subscription &s : client->subscriptions) {
            if (s.delivers()) {
                s.activeSince = s.updatedAt; // the best known; renewals from now leave it
                m_index.insert(s.filter, client);
            }
        }
        // Stored under other rules: what the client may no longer subscribe to goes now.
        bool changed = false;
        if (enforceAccess(client, nullptr, true, &changed) || changed)
            scheduleSave(client);
    }
    m_nextSweep = 0; // check expiries at once
    if (!m_writer.joinable())
        m_writer = std::thread([this] { writerLoop(); });
    return problem;
}

QList<Client> Hub::namedClients() const
{
    // Cheap: the subscription maps are implicitly shared, so this copies references (the
    // writer thread serializes; a later change here detaches its own client's map).
    QList<Client> named;
    named.reserve(qsizetype(m_clients.size()));
    for (const auto &[id, client] : m_clients) {
        if (client->ephemeral)
            continue;
        Client &copy = named.emplace_back();
        copy.id = client->id;
        copy.subscriptions = client->subscriptions;
        copy.hasAck = client->hasAck;
        copy.ackedId = client->ackedId;
    }
    return named;
}

void Hub::scheduleSave(const Client *client)
{
    if (!m_store)
        return;
    ++m_changed;
    m_dirtyIds.insert(client->id);
    // On the next turn of the event loop: the requests read in this turn share the write.
    if (!m_writing && !m_writeQueued) {
        m_writeQueued = true;
        QMetaObject::invokeMethod(this, &Hub::startWrite, Qt::QueuedConnection);
    }
}

Hub::WriteJob Hub::makeJob()
{
    // Called while no write is in flight: the store may be asked about its journal.
    WriteJob job;
    job.generation = m_changed;
    job.full = m_needFull || m_store->wantsCompaction();
    if (job.full) {
        job.clients = namedClients();
    } else {
        job.changes.reserve(m_dirtyIds.size());
        for (const QString &id : std::as_const(m_dirtyIds)) {
            SubscriptionStore::Change &change = job.changes.emplace_back();
            change.id = id;
            const auto it = m_clients.find(id);
            if (it != m_clients.end() && !it->second->ephemeral) {
                const Client &client = *it->second;
                Client copy;
                copy.id = client.id;
                copy.subscriptions = client.subscriptions;
                copy.hasAck = client.hasAck;
                copy.ackedId = client.ackedId;
                change.client = copy;
            }
        }
    }
    m_dirtyIds.clear();
    m_needFull = false;
    return job;
}

bool Hub::runJob(const WriteJob &job, QString *error)
{
    return job.full ? m_store->save(job.clients, error) : m_store->append(job.changes, error);
}

void Hub::startWrite()
{
    m_writeQueued = false;
    if (!m_store || m_writing || m_stored >= m_changed)
        return;
    m_retryWrite.stop();
    WriteJob job = makeJob();
    m_writing = true;
    {
        std::lock_guard lock(m_writerMutex);
        m_job = std::move(job);
    }
    m_writerWake.notify_one();
}

void Hub::writerLoop()
{
    std::unique_lock lock(m_writerMutex);
    for (;;) {
        m_writerWake.wait(lock, [this] { return m_job.has_value() || m_writerStop; });
        if (!m_job)
            return;
        WriteJob job = std::move(*m_job);
        m_job.reset();
        m_writerBusy = true;
        lock.unlock();
        QElapsedTimer timer;
        timer.start();
        QString error;
        const bool ok = runJob(job, &error);
        const qint64 took = timer.elapsed();
        const quint64 generation = job.generation;
        job = {}; // freed here, not on the engine thread
        lock.lock();
        m_writerBusy = false;
        ++(ok ? m_storeCounters.writes : m_storeCounters.failures);
        m_storeCounters.lastWriteMs = took;
        m_writerIdle.notify_all();
        // Posted while holding the lock: stopWriter() joins only after it (so `this` lives).
        QMetaObject::invokeMethod(
            this, [this, generation, ok, error] { onWritten(generation, ok, error); },
            Qt::QueuedConnection);
    }
}

void Hub::stopWriter()
{
    if (!m_writer.joinable())
        return;
    {
        std::lock_guard lock(m_writerMutex);
        m_writerStop = true;
    }
    m_writerWake.notify_one();
    m_writer.join();
}

Hub::StoreCounters Hub::storeCounters() const
{
    std::lock_guard lock(m_writerMutex);
    return m_storeCounters;
}

void Hub::onWritten(quint64 generation, bool ok, const QString &error)
{
    m_writing = false;
    std::vector<StoredDone> done;
    QString message;
    if (!ok)
        m_needFull = true; // what the failed write held is written again, with the rest
    if (ok) {
        m_stored = qMax(m_stored, generation);
        if (m_writeFailures) {
            qCInfo(lcSse).noquote()
                << "subscriptions are stored again after" << m_writeFailures << "failed writes";
            m_writeFailures = 0;
        }
        for (auto it = m_waiters.begin(); it != m_waiters.end();) {
            if (it->first <= m_stored) {
                done.push_back(std::move(it->second));
                it = m_waiters.erase(it);
            } else {
                ++it;
            }
        }
    } else {
        // Every waiter is refused: the change stays in memory but is not durable.
        if (m_writeFailures++ == 0)
            qCWarning(lcSse).noquote()
                << error
                << "- subscription changes are kept in memory but not stored; requests that "
                   "change them are answered 503 until a write succeeds (retried every 5 s); "
                   "check the free space and permissions of the data directory";
        message = QStringLiteral("the change could not be stored (%1); it is kept in memory but "
                                 "may be lost on a restart - retry later")
                      .arg(error);
        for (auto &waiter : m_waiters)
            done.push_back(std::move(waiter.second));
        m_waiters.clear();
    }
    if (m_changed > m_stored) {
        if (ok)
            startWrite();
        else
            m_retryWrite.start();
    }
    for (StoredDone &fn : done)
        fn(message);
}

void Hub::saveNow()
{
    if (!m_store)
        return;
    {
        // The write in flight first (its completion, still posted, changes nothing after this).
        std::unique_lock lock(m_writerMutex);
        m_writerIdle.wait(lock, [this] { return !m_job && !m_writerBusy; });
    }
    if (m_stored >= m_changed)
        return;
    const WriteJob job = makeJob();
    QString error;
    const bool ok = runJob(job, &error);
    const quint64 generation = job.generation;
    const bool wasWriting = m_writing;
    onWritten(generation, ok, error);
    m_writing = wasWriting; // the posted completion of the earlier write clears it
}

void Hub::whenStored(const QString &clientId, StoredDone done)
{
    if (m_storeWait) {
        m_storeWait(clientId, std::move(done));
        return;
    }
    if (!m_store || m_stored >= m_changed) {
        done({});
        return;
    }
    m_waiters.emplace_back(m_changed, std::move(done));
    if (!m_writing && !m_writeQueued) { // e.g. after a failed write: try again now
        m_writeQueued = true;
        QMetaObject::invokeMethod(this, &Hub::startWrite, Qt::QueuedConnection);
    }
}

} // namespace ssehub
