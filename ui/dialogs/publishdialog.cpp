#include "publishdialog.h"

#include "enginetext.h"
#include "widgets/statecolors.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>

namespace ssehub {

PublishDialog::PublishDialog(QWidget *parent)
    : QDialog(parent)
    , m_topic(new QLineEdit(this))
    , m_type(new QLineEdit(this))
    , m_payload(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Publish a test event"));
    setObjectName(QStringLiteral("publishDialog"));
    m_topic->setObjectName(QStringLiteral("publishTopic"));
    m_type->setObjectName(QStringLiteral("publishType"));
    m_payload->setObjectName(QStringLiteral("publishPayload"));
    m_problem->setObjectName(QStringLiteral("publishProblem"));
    m_topic->setPlaceholderText(tr("e.g. sensor/1/data"));
    m_type->setPlaceholderText(tr("optional, e.g. reading"));
    m_payload->setPlainText(QStringLiteral("{\"test\": true}"));
    // Tab leaves the payload (a tab inside JSON is never needed); Ctrl+Enter publishes from any
    // field, the payload editor included.
    m_payload->setTabChangesFocus(true);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(severityStyle(palette(), Severity::Bad, false));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_send = buttons->addButton(tr("Publish"), QDialogButtonBox::AcceptRole);
    m_send->setObjectName(QStringLiteral("publishSend"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PublishDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PublishDialog::reject);
    for (const QKeySequence &key :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(key, this);
        connect(shortcut, &QShortcut::activated, this, [this] {
            if (m_send->isEnabled())
                accept();
        });
    }
    m_send->setToolTip(tr("Publish (Ctrl+Enter)"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Topic:"), m_topic);
    form->addRow(tr("Event type:"), m_type);
    form->addRow(tr("Payload (JSON):"), m_payload);
    form->addRow(m_problem);
    form->addRow(buttons);
    connect(m_topic, &QLineEdit::textChanged, this, &PublishDialog::revalidate);
    connect(m_type, &QLineEdit::textChanged, this, &PublishDialog::revalidate);
    connect(m_payload, &QPlainTextEdit::textChanged, this, &PublishDialog::revalidate);
    revalidate();
    resize(480, 320);
}

void PublishDialog::setTopic(const QString &topic)
{
    m_topic->setText(topic);
}

QString PublishDialog::validate(const QString &topic, const QString &type, const QString &payload,
                                PublishRequest *request)
{
    if (topic.isEmpty())
        return tr("Enter a topic.");
    // Any JSON value: wrapped in an array so that numbers and strings parse too.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + payload.toUtf8() + "]", &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return tr("Payload is not one JSON value: %1")
            .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                         : tr("expected exactly one value"));
    // Then the server's own rules for a publish (topic, type, reserved types), so that the
    // dialog accepts exactly what POST /publish accepts.
    QJsonObject body {{QStringLiteral("topic"), topic},
                      {QStringLiteral("payload"), doc.array().first()}};
    if (!type.isEmpty())
        body.insert(QStringLiteral("type"), type);
    PublishRequest parsed;
    const QString problem = parsePublishRequest(body, &parsed);
    if (!problem.isEmpty())
        return EngineText::translate(problem);
    if (request)
        *request = parsed;
    return {};
}

void PublishDialog::revalidate()
{
    const QString problem
        = validate(m_topic->text(), m_type->text(), m_payload->toPlainText(), nullptr);
    m_problem->setText(problem);
    m_send->setEnabled(problem.isEmpty());
}

void PublishDialog::accept()
{
    const QString problem
        = validate(m_topic->text(), m_type->text(), m_payload->toPlainText(), &m_request);
    if (!problem.isEmpty()) {
        m_problem->setText(problem);
        return;
    }
    QDialog::accept();
}

} // namespace ssehub
