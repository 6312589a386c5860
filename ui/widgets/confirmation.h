#pragma once

#include <QDialog>

#include <functional>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
QT_END_NAMESPACE

namespace ssehub {

// The operator's confirmation of an action that ends streams or stops the server (Stop server,
// Quit with open streams, Apply and restart, Disconnect, bulk Pause/Resume). It names what is
// affected, may take a reason (Disconnect: what the clients read), and offers "Don't ask again
// this session" per kind of action. Window-modal and asynchronous: ask() returns at once and the
// answer arrives later, so nothing runs in a nested event loop.
//
// Tests find it as the parent's child "confirmDialog" and click "confirmAccept" or
// "confirmCancel" (reason: "confirmReason", the checkbox: "confirmDontAsk").
class Confirmation : public QDialog
{
    Q_OBJECT

public:
    struct Request
    {
        QString kind; // what "Don't ask again this session" remembers: "stop", "disconnect", ...
        QString title;
        QString question; // one sentence that names the number of streams affected
        QString detail; // what becomes of them
        QString acceptText; // the button that does it ("Stop server")
        bool askReason = false; // a line edit for a reason the clients and the log see
    };

    // Asks, unless this kind was waived for the session (then accepted("") runs at once).
    // accepted(reason) or cancelled run later, only while context exists.
    static void ask(QWidget *parent, const Request &request, QObject *context,
                    std::function<void(const QString &reason)> accepted,
                    std::function<void()> cancelled = {});
    static bool isWaived(const QString &kind);
    // Asks again for every kind (a new session; tests).
    static void resetWaivers();
    // Asks for nothing until resetWaivers(), as if every kind were waived (tests of other
    // features that drive these actions).
    static void waiveAll();

    QString reason() const;

private:
    Confirmation(const Request &request, QWidget *parent);
    void checkReason();

    QString m_kind;
    QLineEdit *m_reason = nullptr;
    QLabel *m_reasonProblem = nullptr;
    QCheckBox *m_dontAsk = nullptr;
    QPushButton *m_accept = nullptr;
};

} // namespace ssehub
