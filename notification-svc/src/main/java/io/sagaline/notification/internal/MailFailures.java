package io.sagaline.notification.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;

/** Tells a mail that can never be sent as it stands from one that may go through later. */
final class MailFailures {

    private MailFailures() {}

    /**
     * Whether the failure is permanent: the mail cannot be built (a malformed address), or the
     * server refused a recipient or the mail with an SMTP 5xx reply. Everything else (the server
     * unreachable, a 4xx reply, a failed login) may pass on a later attempt.
     */
    static boolean isPermanent(MailException failure) {
        if (failure instanceof MailPreparationException || failure instanceof MailParseException) {
            return true;
        }
        List<Throwable> causes = new ArrayList<>(List.of(failure));
        if (failure instanceof MailSendException send) {
            causes.addAll(send.getFailedMessages().values());
        }
        return causes.stream().anyMatch(MailFailures::refusedForGood);
    }

    private static boolean refusedForGood(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = next(cause)) {
            switch (cause) {
                case SMTPAddressFailedException refused
                when refused.getReturnCode() >= 500 -> {
                    return true;
                }
                case SMTPSendFailedException refused
                when refused.getReturnCode() >= 500 -> {
                    return true;
                }
                case AddressException malformed -> {
                    return true;
                }
                default -> {}
            }
        }
        return false;
    }

    /** Jakarta Mail chains the failures of one send (one per refused recipient) with next exceptions. */
    private static Throwable next(Throwable failure) {
        if (failure instanceof MessagingException messaging && messaging.getNextException() != null) {
            return messaging.getNextException();
        }
        return failure.getCause();
    }
}
