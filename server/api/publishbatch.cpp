// POST /publish bodies: one event or a batch (publishbatch.h). The reference reads with
// QJsonDocument; the fast path reads with publishjsonreader_p.h and falls back to the reference
// for what that reader does not reproduce exactly.
#include "api/publishbatch.h"

#include "api/publishjsonreader_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ssehub {

using publishjson::isSpace;
using publishjson::skipByteOrderMark;

namespace {

const QByteArrayView JsonMediaType("application/json");
const QByteArrayView NdjsonMediaType("application/x-ndjson");

// The Content-Type check POST /publish has always made.
bool isJsonContentType(QByteArrayView contentTypeHeader)
{
    return contentTypeHeader.size() >= JsonMediaType.size()
        && contentTypeHeader.first(JsonMediaType.size()).compare(JsonMediaType, Qt::CaseInsensitive)
        == 0;
}

QString bodyTooLarge(qsizetype size, qint64 maxBodyBytes, int *status)
{
    *status = 413;
    return QStringLiteral("body of %1 bytes is larger than the limit of %2 bytes")
        .arg(size)
        .arg(maxBodyBytes);
}

// What a single event's body is checked for before its JSON is read: its Content-Type (415)
// and its size (413).
QString checkSingleBody(QByteArrayView contentTypeHeader, const QByteArray &body,
                        qint64 maxBodyBytes, int *status)
{
    *status = 400;
    if (!isJsonContentType(contentTypeHeader)) {
        *status = 415;
        return QStringLiteral("Content-Type must be application/json");
    }
    if (body.size() > maxBodyBytes)
        return bodyTooLarge(body.size(), maxBodyBytes, status);
    return {};
}

QByteArrayView mediaType(QByteArrayView contentTypeHeader)
{
    const qsizetype semicolon = contentTypeHeader.indexOf(';');
    return (semicolon < 0 ? contentTypeHeader : contentTypeHeader.first(semicolon)).trimmed();
}

// One event with QJsonDocument. A JSON error names the text `what`; a rule's error comes back
// bare, with *ruleError set.
QString eventJsonQt(QByteArrayView json, const QString &what, PublishRequest *out, bool *ruleError)
{
    *ruleError = false;
    QJsonParseError parseError;
    const QJsonDocument doc
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("%1 is not valid JSON: %2 at offset %3")
            .arg(what, parseError.errorString())
            .arg(parseError.offset);
    if (!doc.isObject())
        return QStringLiteral("%1 must be a JSON object").arg(what);
    *ruleError = true;
    return parsePublishRequest(doc.object(), out);
}

QString lineName(qsizetype number)
{
    return QStringLiteral("line %1").arg(number);
}

// One line of a batch, fast or with QJsonDocument only. Its name is made only for an error.
BatchItem lineItem(QByteArrayView json, qsizetype number, bool fast)
{
    BatchItem item;
    QString error;
    if (fast && parsePublishJsonFast(json, &item.request, &error) == FastParse::Decided) {
        if (error.isEmpty())
            return item;
        error = lineName(number) + QStringLiteral(": ") + error;
    } else {
        bool ruleError = false;
        const QString what = lineName(number);
        error = eventJsonQt(json, what, &item.request, &ruleError);
        if (error.isEmpty())
            return item;
        if (ruleError)
            error = what + QStringLiteral(": ") + error;
    }
    item.request = {};
    item.error = error;
    item.status = 400;
    return item;
}

BatchItem oversizedItem(const QString &what, qsizetype size, qint64 maxEventBytes)
{
    BatchItem item;
    item.error = QStringLiteral("%1 of %2 bytes is larger than the limit of %3 bytes")
                     .arg(what)
                     .arg(size)
                     .arg(maxEventBytes);
    item.status = 413;
    return item;
}

QString noEvents(int *status)
{
    *status = 400;
    return QStringLiteral("body holds no events");
}

QString tooManyEvents(int maxEvents, int *status)
{
    *status = 413;
    return QStringLiteral("body holds more than %1 events; send them in several requests")
        .arg(maxEvents);
}

// application/x-ndjson: every line on its own.
QString readLines(QByteArrayView body, const PublishBatchLimits &limits, bool fast,
                  QList<BatchItem> *items, int *status)
{
    struct Line
    {
        QByteArrayView text;
        int number;
    };
    QList<Line> lines;
    int number = 0;
    for (qsizetype from = 0; from < body.size();) {
        const qsizetype newline = body.indexOf('\n', from);
        const qsizetype to = newline < 0 ? body.size() : newline;
        QByteArrayView text = body.sliced(from, to - from);
        from = to + 1;
        ++number;
        if (text.endsWith('\r'))
            text.chop(1);
        if (std::all_of(text.begin(), text.end(), [](char c) { return isSpace(c); }))
            continue;
        if (lines.size() == limits.maxEvents)
            return tooManyEvents(limits.maxEvents, status);
        lines.append({text, number});
    }
    if (lines.isEmpty())
        return noEvents(status);
    items->reserve(lines.size());
    for (const Line &line : std::as_const(lines)) {
        items->append(
            line.text.size() > limits.maxEventBytes
                ? oversizedItem(lineName(line.number), line.text.size(), limits.maxEventBytes)
                : lineItem(line.text, line.number, fast));
    }
    return {};
}

QString elementName(qsizetype index)
{
    return QStringLiteral("element %1").arg(index);
}

// Where the elements of an array that QJsonDocument accepted are in its text (without the
// space around them).
QList<QByteArrayView> arrayElements(QByteArrayView body)
{
    QList<QByteArrayView> elements;
    const char *p = skipByteOrderMark(body.begin(), body.end());
    const char *end = body.end();
    while (p < end && *p != '[')
        ++p;
    ++p;
    while (true) {
        while (p < end && isSpace(*p))
            ++p;
        if (p >= end || *p == ']')
            return elements;
        const char *begin = p;
        int depth = 0;
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '"') {
                for (++p; p < end && *p != '"'; ++p) {
                    if (*p == '\\')
                        ++p;
                }
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    break;
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        const char *last = p;
        while (last > begin && isSpace(last[-1]))
            --last;
        elements.append(QByteArrayView(begin, last));
        if (p < end && *p == ',')
            ++p;
    }
}

QString readArrayQt(const QByteArray &body, const PublishBatchLimits &limits,
                    QList<BatchItem> *items, int *status)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("body is not valid JSON: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    const QJsonArray array = doc.array();
    const QList<QByteArrayView> elements = arrayElements(body);
    Q_ASSERT(elements.size() == array.size());
    if (array.isEmpty())
        return noEvents(status);
    if (array.size() > limits.maxEvents)
        return tooManyEvents(limits.maxEvents, status);
    items->reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString what = elementName(i);
        // value(): an empty view rather than a crash, were the two ever to disagree.
        const qsizetype size = elements.value(i).size();
        if (size > limits.maxEventBytes) {
            items->append(oversizedItem(what, size, limits.maxEventBytes));
            continue;
        }
        BatchItem item;
        if (!array.at(i).isObject()) {
            item.error = what + QStringLiteral(" must be a JSON object");
        } else if (const QString error = parsePublishRequest(array.at(i).toObject(), &item.request);
                   !error.isEmpty()) {
            item.error = what + QStringLiteral(": ") + error;
        }
        if (!item.error.isEmpty()) {
            item.request = {};
            item.status = 400;
        }
        items->append(item);
    }
    return {};
}

// The array in one pass; false for NotSimple anywhere (the reference then reads it all).
bool readArrayFast(QByteArrayView body, const PublishBatchLimits &limits, QList<BatchItem> *items,
                   int *status, QString *error)
{
    const char *p = skipByteOrderMark(body.begin(), body.end());
    const char *end = body.end();
    const auto skipSpace = [&] {
        while (p < end && isSpace(*p))
            ++p;
    };
    const auto take = [&](char c) {
        if (p == end || *p != c)
            return false;
        ++p;
        return true;
    };
    skipSpace();
    if (!take('['))
        return false;
    skipSpace();
    QList<BatchItem> result;
    qsizetype count = 0;
    if (!take(']')) {
        QByteArray scratch;
        while (true) {
            const char *begin = p;
            // Past the limit the rest is still read: a broken array is a 400 before a 413.
            const bool keep = count < limits.maxEvents;
            BatchItem item;
            if (take('{')) {
                PublishFields fields;
                QByteArray payload;
                if (!publishjson::readEvent(&p, end, 1, &fields, &payload))
                    return false;
                if (keep) {
                    if (const QString rule = checkPublishFields(fields, &item.request);
                        !rule.isEmpty()) {
                        item.request = {};
                        item.error = elementName(count) + QStringLiteral(": ") + rule;
                        item.status = 400;
                    } else {
                        item.request.payloadJson = payload;
                    }
                }
            } else {
                scratch.clear();
                if (!publishjson::readValue(&p, end, 1, scratch))
                    return false;
                item.error = elementName(count) + QStringLiteral(" must be a JSON object");
                item.status = 400;
            }
            if (keep) {
                if (p - begin > limits.maxEventBytes)
                    item = oversizedItem(elementName(count), p - begin, limits.maxEventBytes);
                result.append(item);
            }
            ++count;
            skipSpace();
            if (take(',')) {
                skipSpace();
                continue;
            }
            if (!take(']'))
                return false;
            break;
        }
    }
    skipSpace();
    if (p != end)
        return false;
    if (count == 0)
        *error = noEvents(status);
    else if (count > limits.maxEvents)
        *error = tooManyEvents(limits.maxEvents, status);
    else
        *items = result;
    return true;
}

QString readBatch(QByteArrayView contentTypeHeader, const QByteArray &body,
                  const PublishBatchLimits &limits, bool fast, QList<BatchItem> *items, int *status)
{
    items->clear();
    *status = 400;
    const PublishBodyForm form = publishBodyForm(contentTypeHeader, body);
    if (form == PublishBodyForm::Unsupported) {
        *status = 415;
        return QStringLiteral("Content-Type must be application/json or application/x-ndjson");
    }
    if (body.size() > limits.maxBodyBytes)
        return bodyTooLarge(body.size(), limits.maxBodyBytes, status);
    QString error;
    switch (form) {
    case PublishBodyForm::Lines:
        error = readLines(body, limits, fast, items, status);
        break;
    case PublishBodyForm::Array:
        if (!fast || !readArrayFast(body, limits, items, status, &error))
            error = readArrayQt(body, limits, items, status);
        break;
    case PublishBodyForm::Single:
    case PublishBodyForm::Unsupported: {
        BatchItem item;
        item.error = fast ? parsePublishJson(body, &item.request)
                          : parsePublishJsonQt(body, &item.request);
        if (!item.error.isEmpty()) {
            item.request = {};
            item.status = 400;
        }
        items->append(item);
        break;
    }
    }
    if (!error.isEmpty()) {
        items->clear();
        return error;
    }
    *status = 200;
    return {};
}

} // namespace

QString parsePublishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                         qint64 maxBodyBytes, PublishRequest *out, int *status)
{
    if (QString refused = checkSingleBody(contentTypeHeader, body, maxBodyBytes, status);
        !refused.isEmpty())
        return refused;
    return parsePublishJsonQt(body, out);
}

QString parsePublishBodyFast(const QByteArray &contentTypeHeader, const QByteArray &body,
                             qint64 maxBodyBytes, PublishRequest *out, int *status)
{
    if (QString refused = checkSingleBody(contentTypeHeader, body, maxBodyBytes, status);
        !refused.isEmpty())
        return refused;
    return parsePublishJson(body, out);
}

QString parsePublishJsonQt(QByteArrayView body, PublishRequest *out)
{
    bool ruleError = false;
    return eventJsonQt(body, QStringLiteral("body"), out, &ruleError);
}

QString parsePublishJson(QByteArrayView body, PublishRequest *out)
{
    QString error;
    if (parsePublishJsonFast(body, out, &error) == FastParse::Decided)
        return error;
    return parsePublishJsonQt(body, out);
}

PublishBodyForm publishBodyForm(QByteArrayView contentTypeHeader, QByteArrayView body)
{
    const QByteArrayView type = mediaType(contentTypeHeader);
    if (type.compare(NdjsonMediaType, Qt::CaseInsensitive) == 0)
        return PublishBodyForm::Lines;
    if (!isJsonContentType(contentTypeHeader))
        return PublishBodyForm::Unsupported;
    if (type.compare(JsonMediaType, Qt::CaseInsensitive) != 0)
        return PublishBodyForm::Single;
    const char *p = skipByteOrderMark(body.begin(), body.end());
    while (p < body.end() && isSpace(*p))
        ++p;
    return p < body.end() && *p == '[' ? PublishBodyForm::Array : PublishBodyForm::Single;
}

QString parsePublishBatch(QByteArrayView contentTypeHeader, const QByteArray &body,
                          const PublishBatchLimits &limits, QList<BatchItem> *items, int *status)
{
    return readBatch(contentTypeHeader, body, limits, true, items, status);
}

QString parsePublishBatchQt(QByteArrayView contentTypeHeader, const QByteArray &body,
                            const PublishBatchLimits &limits, QList<BatchItem> *items, int *status)
{
    return readBatch(contentTypeHeader, body, limits, false, items, status);
}

QByteArray batchAnswerJson(const QList<BatchItem> &items, const QList<QByteArray> &ids)
{
    Q_ASSERT(ids.size() == items.size());
    QByteArray out;
    out.reserve(32 + items.size() * 32);
    out += "{\"results\":[";
    int published = 0;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += ',';
        const BatchItem &item = items.at(i);
        if (item.error.isEmpty()) {
            ++published;
            out += "{\"id\":";
            publishjson::appendString(
                out, i < ids.size() ? QByteArrayView(ids.at(i)) : QByteArrayView());
        } else {
            out += "{\"error\":";
            publishjson::appendString(out, item.error.toUtf8());
            out += ",\"status\":" + QByteArray::number(item.status);
        }
        out += '}';
    }
    out += "],\"published\":" + QByteArray::number(published)
        + ",\"failed\":" + QByteArray::number(items.size() - published) + '}';
    return out;
}

} // namespace ssehub
