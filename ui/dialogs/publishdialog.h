#pragma once

#include "publishrequest.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
QT_END_NAMESPACE

namespace ssehub {

// Publish a test event: topic, optional type and a JSON payload, checked before it is sent.
class PublishDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PublishDialog(QWidget *parent = nullptr);

    void setTopic(const QString &topic);
    // The request once accepted.
    PublishRequest request() const { return m_request; }
    // Checks the fields; an empty string when they make a valid event (request filled).
    static QString validate(const QString &topic, const QString &type, const QString &payload,
                            PublishRequest *request);

public Q_SLOTS:
    void accept() override;

private:
    void revalidate();

    QLineEdit *m_topic;
    QLineEdit *m_type;
    QPlainTextEdit *m_payload;
    QLabel *m_problem;
    QPushButton *m_send;
    PublishRequest m_request;
};

} // namespace ssehub
