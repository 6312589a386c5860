#include "observe/metrics.h"

#include <cmath>

namespace ssehub {

QByteArray MetricsWriter::escapeLabel(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void MetricsWriter::counter(const QByteArray &name, const QByteArray &help, double value,
                            const Labels &labels)
{
    sample(name, help, "counter", value, labels);
}

void MetricsWriter::gauge(const QByteArray &name, const QByteArray &help, double value,
                          const Labels &labels)
{
    sample(name, help, "gauge", value, labels);
}

void MetricsWriter::sample(const QByteArray &name, const QByteArray &help, const char *type,
                           double value, const Labels &labels)
{
    if (name != m_family) {
        m_out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        m_family = name;
    }
    line(name, value, labels);
}

void MetricsWriter::histogram(const QByteArray &name, const QByteArray &help,
                              const QList<QPair<double, quint64>> &buckets, double sum,
                              quint64 count)
{
    m_out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + " histogram\n";
    m_family = name;
    for (const auto &[bound, cumulative] : buckets)
        line(name + "_bucket", double(cumulative), {{"le", QByteArray::number(bound, 'g', 6)}});
    line(name + "_bucket", double(count), {{"le", "+Inf"}});
    line(name + "_sum", sum, {});
    line(name + "_count", double(count), {});
}

void MetricsWriter::line(const QByteArray &name, double value, const Labels &labels)
{
    m_out += name;
    if (!labels.isEmpty()) {
        m_out += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_out += ',';
            m_out += labels[i].first + "=\"" + escapeLabel(labels[i].second) + '"';
        }
        m_out += '}';
    }
    m_out += ' ';
    if (std::floor(value) == value && std::fabs(value) < 9e15)
        m_out += QByteArray::number(qint64(value));
    else
        m_out += QByteArray::number(value, 'g', 17);
    m_out += '\n';
}

} // namespace ssehub
