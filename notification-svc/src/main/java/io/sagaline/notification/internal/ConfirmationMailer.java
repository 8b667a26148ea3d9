package io.sagaline.notification.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import org.springframework.mail.MailException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
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
        try {
            var helper = new MimeMessageHelper(message, StandardCharsets.UTF_8.name());
            helper.setFrom(mail.from());
            helper.setTo(mail.to());
            helper.setSubject(mail.subject());
            helper.setText(mail.body(), false);
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
