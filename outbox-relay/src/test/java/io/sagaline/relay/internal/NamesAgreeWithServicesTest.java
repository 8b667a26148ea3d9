package io.sagaline.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.RelayNames;
import org.junit.jupiter.api.Test;

/**
 * The relay does not depend on the services' messaging module, so the names both sides must agree
 * on live in each; this holds them equal.
 */
class NamesAgreeWithServicesTest {

    @Test
    void readsThroughThePublicationAndSlotTheServicesWaitFor() {
        assertThat(OutboxConnectorConfig.PUBLICATION).isEqualTo(RelayNames.PUBLICATION);
        assertThat(OutboxConnectorConfig.slotName("shop")).isEqualTo(RelayNames.slotOf("shop"));
    }

    @Test
    void writesTheHeadersTheServicesRead() {
        assertThat(OutboxConnectorConfig.MESSAGE_ID_HEADER).isEqualTo(MessageHeaders.MESSAGE_ID);
        assertThat(OutboxConnectorConfig.MESSAGE_TYPE_HEADER).isEqualTo(MessageHeaders.MESSAGE_TYPE);
    }
}
