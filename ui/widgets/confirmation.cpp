#include "confirmation.h"

#include "validation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSet>
#include <QStyle>
#include <QVBoxLayout>

namespace ssehub {

namespace {

// Kinds of action the operator said not to be asked about again, for this process.
QSet<QString> &waived()
{
    static QSet<QString> kinds;
    return kinds;
}
bool allWaived = false;

} // namespace

bool Confirmation::isWaived(const QString &kind)
{
    return allWaived || waived().contains(kind);
}

void Confirmation::resetWaivers()
{
    waived().clear();
    allWaived = false;
}

void Confirmation::waiveAll()
{
    allWaived = true;
}

void Confirmation::ask(QWidget *parent, const Request &request, QObject *context,
                       std::function<void(const QString &)> accepted,
                       std::function<void()> cancelled)
{
    if (isWaived(request.kind)) {
        if (accepted)
            accepted(QString());
        return;
    }
    auto *dialog = new Confirmation(request, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QObject> guard(context);
    connect(dialog, &QDialog::finished, dialog,
            [dialog, guard, accepted = std::move(accepted),
             cancelled = std::move(cancelled)](int result) {
                if (!guard)
                    return;
                if (result == QDialog::Accepted) {
                    if (dialog->m_dontAsk->isChecked())
                        waived().insert(dialog->m_kind);
                    if (accepted)
                        accepted(dialog->reason());
                } else if (cancelled) {
                    cancelled();
                }
            });
    dialog->open();
}

Confirmation::Confirmation(const Request &request, QWidget *parent)
    : QDialog(parent)
    , m_kind(request.kind)
{
    setObjectName(QStringLiteral("confirmDialog"));
    setProperty("kind", request.kind);
    setWindowTitle(request.title);
    setWindowModality(Qt::WindowModal);

    auto *icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    icon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(size));
    icon->setAlignment(Qt::AlignTop);

    auto *question = new QLabel(request.question, this);
    question->setObjectName(QStringLiteral("confirmQuestion"));
    question->setTextFormat(Qt::PlainText);
    question->setWordWrap(true);
    QFont bold = question->font();
    bold.setBold(true);
    question->setFont(bold);
    auto *detail = new QLabel(request.detail, this);
    detail->setObjectName(QStringLiteral("confirmDetail"));
    detail->setTextFormat(Qt::PlainText);
    detail->setWordWrap(true);
    detail->setVisible(!request.detail.isEmpty());

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(16);
    grid->addWidget(icon, 0, 0, 2, 1);
    grid->addWidget(question, 0, 1);
    grid->addWidget(detail, 1, 1);
    grid->setColumnStretch(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);

    if (request.askReason) {
        auto *label = new QLabel(tr("Reason (optional; the clients and the log see it):"), this);
        label->setWordWrap(true);
        m_reason = new QLineEdit(this);
        m_reason->setObjectName(QStringLiteral("confirmReason"));
        m_reason->setPlaceholderText(tr("e.g. maintenance, misbehaving client"));
        label->setBuddy(m_reason);
        m_reasonProblem = new QLabel(this);
        m_reasonProblem->setObjectName(QStringLiteral("confirmReasonProblem"));
        m_reasonProblem->setWordWrap(true);
        m_reasonProblem->setForegroundRole(QPalette::BrightText);
        QPalette problemPalette = m_reasonProblem->palette();
        problemPalette.setColor(QPalette::BrightText, QColor(0xb0, 0x00, 0x20));
        m_reasonProblem->setPalette(problemPalette);
        m_reasonProblem->hide();
        layout->addSpacing(6);
        layout->addWidget(label);
        layout->addWidget(m_reason);
        layout->addWidget(m_reasonProblem);
        connect(m_reason, &QLineEdit::textChanged, this, &Confirmation::checkReason);
    }

    m_dontAsk = new QCheckBox(tr("Don't ask again this session"), this);
    m_dontAsk->setObjectName(QStringLiteral("confirmDontAsk"));
    layout->addSpacing(6);
    layout->addWidget(m_dontAsk);

    auto *buttons = new QDialogButtonBox(this);
    m_accept = buttons->addButton(request.acceptText, QDialogButtonBox::AcceptRole);
    m_accept->setObjectName(QStringLiteral("confirmAccept"));
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("confirmCancel"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // Enter never ends streams by accident: Cancel is the default, except where a reason is
    // typed (Enter in it means "done, go").
    if (m_reason) {
        m_accept->setDefault(true);
        m_reason->setFocus();
    } else {
        cancel->setDefault(true);
        cancel->setFocus();
    }
    setMinimumWidth(qMax(420, fontMetrics().averageCharWidth() * 60));
}

QString Confirmation::reason() const
{
    if (!m_reason)
        return {};
    QString problem;
    return cleanKickReason(m_reason->text(), &problem);
}

void Confirmation::checkReason()
{
    QString problem;
    cleanKickReason(m_reason->text(), &problem);
    const qsizetype bytes = m_reason->text().trimmed().toUtf8().size();
    if (!problem.isEmpty())
        m_reasonProblem->setText(bytes > MaxKickReasonBytes
                                     ? tr("Too long: at most %1 bytes of UTF-8 (%2 now).")
                                           .arg(MaxKickReasonBytes)
                                           .arg(bytes)
                                     : tr("The reason holds characters that cannot be sent."));
    m_reasonProblem->setVisible(!problem.isEmpty());
    m_accept->setEnabled(problem.isEmpty());
}

} // namespace ssehub
