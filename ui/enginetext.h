#pragma once

#include <QCoreApplication>
#include <QString>

namespace ssehub {

// The engine's own texts in the console's language. server/ has no translator (it runs headless
// and answers HTTP in English, the API's language); the console receives its texts as English
// values - start errors, broker states, answers to the operator's actions, validation problems,
// log reason codes - from the embedded engine or over HTTP alike, and shows them translated
// here. Each known text is a template in the context "EngineText" (lupdate reads this table, so
// the translation check covers it); a text that matches none is shown as it came.
class EngineText
{
    Q_DECLARE_TR_FUNCTIONS(EngineText)

public:
    // The whole message translated: a template matched with its arguments put back (an argument
    // that is itself an engine text is translated too, a quoted one - a name, a filter - never).
    static QString translate(const QString &english);
    // True when translate() knows the message.
    static bool isKnown(const QString &english);
    // A log entry's reason: an API code (`slow-consumer`) shown as a label; exports keep the code.
    static QString logReason(const QString &code);
    // A subscription state as the engine names it (active, paused, expired, archived).
    static QString subscriptionState(const QString &state);
};

} // namespace ssehub
