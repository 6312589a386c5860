#pragma once

#include "publishrequest.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace ssehub {

// POST /publish bodies read without sockets or a hub: one event (the JSON object of
// parsePublishRequest), or a batch of them. Every function returns an empty string when the body
// is fine, otherwise what is wrong (with the HTTP status in *status where there is one).

// One event, as QJsonDocument::fromJson + an object check + parsePublishRequest read it (the
// reference): Content-Type must start with application/json (any case), the body must be at
// most maxBodyBytes. 415, 413 or 400 in *status on an error.
QString parsePublishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                         qint64 maxBodyBytes, PublishRequest *out, int *status);
// The same contract, the same answers and the same *out, read in one pass over the bytes
// without building a QJsonObject where it can (parsePublishJson).
QString parsePublishBodyFast(const QByteArray &contentTypeHeader, const QByteArray &body,
                             qint64 maxBodyBytes, PublishRequest *out, int *status);

// The JSON part of the two above: "body is not valid JSON: ...", "body must be a JSON object",
// or a rule of parsePublishRequest. parsePublishJsonQt reads with QJsonDocument;
// parsePublishJson with the fast reader, and with parsePublishJsonQt when the fast reader
// answers NotSimple, so the decision and the fields are always the reference's.
QString parsePublishJsonQt(QByteArrayView body, PublishRequest *out);
QString parsePublishJson(QByteArrayView body, PublishRequest *out);

// The fast reader alone. Decided: *error is empty and *out filled, or *error is a rule of
// parsePublishRequest (the JSON was read completely and exactly). NotSimple: the body is not
// JSON, not an object, or holds something the reader does not reproduce byte for byte (see
// publishbatch.cpp); *out and *error are untouched.
enum class FastParse { Decided, NotSimple };
FastParse parsePublishJsonFast(QByteArrayView body, PublishRequest *out, QString *error);

// Batches. application/x-ndjson: one event object per line (LF or CRLF; lines that are empty
// or only spaces and tabs are skipped, a final newline too). application/json whose body is a
// JSON array: one event object per element. Content-Type is compared as a media type: any
// case, parameters (charset=utf-8) allowed. application/jsonl is not taken as NDJSON: the
// single-event check has always let any type starting with application/json through, so a
// client sending one object as application/jsonl would get a batch answer instead.
enum class PublishBodyForm {
    Unsupported, // 415
    Single, // application/json (or a type starting with it) and not an array
    Lines, // application/x-ndjson
    Array, // application/json, the body is a JSON array
};
PublishBodyForm publishBodyForm(QByteArrayView contentTypeHeader, QByteArrayView body);

struct PublishBatchLimits
{
    qint64 maxBodyBytes = 1024 * 1024; // 413 for the whole body
    int maxEvents = 10000; // more is 413 for the whole body
    qint64 maxEventBytes = 64 * 1024; // a line or an array element; more is 413 for that item
};

// One event of a batch: its own answer, 200 when error is empty, 400 or 413 otherwise.
struct BatchItem
{
    PublishRequest request;
    QString error;
    int status = 200;
};

// Reads a batch, each event on its own: a bad line or element gets its error ("line 3: ...",
// lines counted from 1 including skipped ones; "element 2: ...", counted from 0 like the
// answer's results) and the others are read. Errors for the whole body, with *items empty:
// 415 not a batch type; 413 body over maxBodyBytes; 400 no events at all; 400 a JSON array
// that is not valid JSON (its elements cannot be told apart); 413 more than maxEvents events -
// the same status as a body too large: the request is bigger than the server takes, and the
// client's remedy is to split it, not to fix it. A Single body is read as a batch of one.
QString parsePublishBatch(QByteArrayView contentTypeHeader, const QByteArray &body,
                          const PublishBatchLimits &limits, QList<BatchItem> *items, int *status);
// The same with QJsonDocument only (the reference the tests compare with).
QString parsePublishBatchQt(QByteArrayView contentTypeHeader, const QByteArray &body,
                            const PublishBatchLimits &limits, QList<BatchItem> *items, int *status);

// The answer to a batch, compact, results in the items' order:
// {"results":[{"id":"<id>"} or {"error":"...","status":N},...],"published":n,"failed":m}.
// An item with an empty error is published with ids[i] (ids has one entry per item).
QByteArray batchAnswerJson(const QList<BatchItem> &items, const QList<QByteArray> &ids);

} // namespace ssehub
