package io.sagaline.notification.internal;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import org.springframework.mail.MailException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/** Hands confirmation mails to the SMTP server. */
@Component
class ConfirmationMailer {

    private final JavaMailSender sender;

    ConfirmationMailer(JavaMailSender sender) {
        this.sender = sender;
    }

    /**
     * Sends {@code mail}; returns once the server accepted it.
     *
     * @throws MailException if the server is unreachable, refuses the mail, or the mail cannot be built
     */
    void send(ConfirmationMail mail) {
        MimeMessage message = new StableIdMessage(sender.createMimeMessage().getSession(), mail.messageId());
        // Jakarta Mail directly: Spring's MimeMessageHelper loads the MIME type map from its file
        // for every message it did not create, which cost more CPU than the rest of the service.
        try {
            message.setFrom(new InternetAddress(mail.from(), true));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setText(mail.body(), StandardCharsets.UTF_8.name());
        } catch (MessagingException e) {
            throw new MailPreparationException("cannot build the confirmation of order " + mail.orderId(), e);
        }
        sender.send(message);
    }

    // Jakarta Mail replaces the Message-ID with a random one when the message is saved; keep ours.
    private static final class StableIdMessage extends MimeMessage {

        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
