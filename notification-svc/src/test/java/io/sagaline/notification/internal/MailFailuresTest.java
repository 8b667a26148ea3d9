package io.sagaline.notification.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;

/** The failures Jakarta Mail and Spring report, as they chain them, told apart. */
class MailFailuresTest {

    private static final InternetAddress TO = address("nobody@example.org");

    @Test
    void aRecipientRefusedWithA5xxIsPermanent() {
        assertThat(MailFailures.isPermanent(refused(550, "550 5.1.1 no such mailbox")))
                .isTrue();
        assertThat(MailFailures.isPermanent(refused(553, "553 mailbox name not allowed")))
                .isTrue();
    }

    @Test
    void aRecipientRefusedWithA4xxIsTransient() {
        assertThat(MailFailures.isPermanent(refused(450, "450 mailbox busy"))).isFalse();
        assertThat(MailFailures.isPermanent(refused(452, "452 insufficient storage")))
                .isFalse();
    }

    @Test
    void aMailRefusedAfterItsDataWithA5xxIsPermanent() {
        var data = new SMTPSendFailedException("DATA", 554, "554 5.7.1 rejected as spam", null, null, null, null);

        assertThat(MailFailures.isPermanent(new MailSendException(Map.of(new Object(), data))))
                .isTrue();
    }

    @Test
    void aMailThatCannotBeBuiltIsPermanent() {
        var malformed = new AddressException("Missing final '@domain'", "nobody");

        assertThat(MailFailures.isPermanent(new MailPreparationException("cannot build", malformed)))
                .isTrue();
    }

    @Test
    void anUnreachableServerOrAFailedLoginIsTransient() {
        var unreachable = new MessagingException("Couldn't connect to host", new ConnectException("refused"));

        assertThat(MailFailures.isPermanent(new MailSendException("Mail server connection failed", unreachable)))
                .isFalse();
        assertThat(MailFailures.isPermanent(new MailAuthenticationException("535 bad credentials")))
                .isFalse();
    }

    /** What Jakarta Mail throws when every recipient was refused, as Spring wraps it. */
    private static MailSendException refused(int code, String reply) {
        var perAddress = new SMTPAddressFailedException(TO, "RCPT TO:<" + TO + ">", code, reply);
        var failed = new SendFailedException("Invalid Addresses", perAddress);
        return new MailSendException(Map.of(new Object(), failed));
    }

    private static InternetAddress address(String text) {
        try {
            return new InternetAddress(text);
        } catch (AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
