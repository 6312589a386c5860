#include "connectdialog.h"

#include "link/recentservers.h"
#include "widgets/statecolors.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ssehub {

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_recent(RecentServers::load())
    , m_url(new QComboBox(this))
    , m_token(new QLineEdit(this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Connect to server"));
    setObjectName(QStringLiteral("connectDialog"));
    m_url->setObjectName(QStringLiteral("connectUrl"));
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->setMinimumContentsLength(36);
    for (const RemoteTarget &target : std::as_const(m_recent))
        m_url->addItem(target.displayName());
    m_url->setCurrentIndex(-1);
    m_url->lineEdit()->setPlaceholderText(tr("http://127.0.0.1:8080 or https://hub.example:8443"));
    connect(m_url, &QComboBox::activated, this, &ConnectDialog::pickRecent);

    m_token->setObjectName(QStringLiteral("connectToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("or paste a token: kept for this session only"));
    m_problem->setObjectName(QStringLiteral("connectProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(severityStyle(palette(), Severity::Bad, false));
    m_problem->hide();

    auto *form = new QFormLayout(this);
    form->addRow(tr("Server URL:"), m_url);
    const QString pem = tr("PEM files (*.pem *.crt *.key);;All files (*)");
    m_tokenFile = fileField(tr("Admin token file:"), QStringLiteral("connectTokenFile"),
                            tr("All files (*)"));
    form->addRow(QString(), m_token);
    m_caFile = fileField(tr("CA certificate (self-signed server):"),
                         QStringLiteral("connectCaFile"), pem);
    m_clientCert = fileField(tr("Client certificate:"), QStringLiteral("connectClientCert"), pem);
    m_clientKey = fileField(tr("Client key:"), QStringLiteral("connectClientKey"), pem);
    auto *note = new QLabel(tr("The console remembers the server's URL and the paths of these "
                               "files, never a token."),
                            this);
    note->setWordWrap(true);
    form->addRow(note);
    form->addRow(m_problem);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    form->addRow(buttons);
}

ConnectDialog::~ConnectDialog()
{
    // QDialog hides the dialog as it goes, after this class's members are gone: the combo box
    // must not report a pick then.
    m_url->disconnect(this);
}

QLineEdit *ConnectDialog::fileField(const QString &label, const QString &name,
                                    const QString &filter)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(name);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this, edit, label, filter] {
        const QString path = QFileDialog::getOpenFileName(this, label, edit->text(), filter);
        if (!path.isEmpty())
            edit->setText(path);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    static_cast<QFormLayout *>(layout())->addRow(label, row);
    return edit;
}

void ConnectDialog::pickRecent(int index)
{
    if (index < 0 || index >= m_recent.size())
        return;
    const RemoteTarget &target = m_recent[index];
    m_tokenFile->setText(target.tokenFile);
    m_caFile->setText(target.caFile);
    m_clientCert->setText(target.clientCert);
    m_clientKey->setText(target.clientKey);
}

void ConnectDialog::setTarget(const RemoteTarget &target)
{
    m_url->setEditText(target.url.isEmpty() ? QString() : target.displayName());
    m_tokenFile->setText(target.tokenFile);
    m_token->setText(QString::fromUtf8(target.token));
    m_caFile->setText(target.caFile);
    m_clientCert->setText(target.clientCert);
    m_clientKey->setText(target.clientKey);
}

RemoteTarget ConnectDialog::target() const
{
    RemoteTarget target;
    QString error;
    target.url = RemoteTarget::parseUrl(m_url->currentText(), &error);
    target.tokenFile = m_tokenFile->text().trimmed();
    target.token = m_token->text().trimmed().toUtf8();
    target.caFile = m_caFile->text().trimmed();
    target.clientCert = m_clientCert->text().trimmed();
    target.clientKey = m_clientKey->text().trimmed();
    return target;
}

void ConnectDialog::setProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

void ConnectDialog::accept()
{
    QString error;
    const RemoteTarget t = target();
    if (t.url.isEmpty()) {
        RemoteTarget::parseUrl(m_url->currentText(), &error);
        setProblem(error);
        return;
    }
    RemoteCredentials credentials;
    if (error = RemoteCredentials::load(t, &credentials); !error.isEmpty()) {
        setProblem(error);
        return;
    }
    QDialog::accept();
}

} // namespace ssehub
