#pragma once

#include "link/remotetarget.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace ssehub {

// File > Connect to server…: the URL of a running ssehub and the credentials of its admin
// routes (a token file or a token typed in for this session, a CA file, a client certificate),
// with the recent servers to pick from. Accepts only a target whose URL and files are valid.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    ~ConnectDialog() override;

    void setTarget(const RemoteTarget &target);
    RemoteTarget target() const;
    // A problem shown when the dialog opens (e.g. the server refused the last token).
    void setProblem(const QString &problem);

    void accept() override;

private:
    QLineEdit *fileField(const QString &label, const QString &name, const QString &filter);
    void pickRecent(int index);

    QList<RemoteTarget> m_recent;
    QComboBox *m_url;
    QLineEdit *m_tokenFile = nullptr;
    QLineEdit *m_token;
    QLineEdit *m_caFile = nullptr;
    QLineEdit *m_clientCert = nullptr;
    QLineEdit *m_clientKey = nullptr;
    QLabel *m_problem;
};

} // namespace ssehub
