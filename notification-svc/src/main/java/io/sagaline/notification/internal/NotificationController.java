package io.sagaline.notification.internal;

import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Inspection API: which confirmation mails went out for an order. */
@RestController
@RequestMapping("/api/notifications")
class NotificationController {

    private final NotificationRepository notifications;

    NotificationController(NotificationRepository notifications) {
        this.notifications = notifications;
    }

    @GetMapping
    List<NotificationView> byOrder(@RequestParam UUID orderId) {
        return notifications.findByOrder(orderId);
    }
}
