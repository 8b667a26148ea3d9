package io.sagaline.notification.internal;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the inspection API shows of an order's confirmation mail. */
record NotificationView(
        UUID orderId,
        String email,
        String subject,
        String status,
        @Nullable Instant sentAt) {}
