#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace ssehub {

// Writes the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family,
// then its samples; label values escaped.
class MetricsWriter
{
public:
    using Labels = QList<QPair<QByteArray, QByteArray>>;

    void counter(const QByteArray &name, const QByteArray &help, double value,
                 const Labels &labels = {});
    void gauge(const QByteArray &name, const QByteArray &help, double value,
               const Labels &labels = {});
    // A histogram: buckets are (upper bound, cumulative count) in ascending order; +Inf is
    // added from count.
    void histogram(const QByteArray &name, const QByteArray &help,
                   const QList<QPair<double, quint64>> &buckets, double sum, quint64 count);
    QByteArray text() const { return m_out; }

    static QByteArray escapeLabel(const QByteArray &value);

private:
    void sample(const QByteArray &name, const QByteArray &help, const char *type, double value,
                const Labels &labels);
    void line(const QByteArray &name, double value, const Labels &labels);

    QByteArray m_out;
    QByteArray m_family; // the family whose HELP/TYPE was written last
};

} // namespace ssehub
