package io.sagaline.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void readsValuesAndDefaults() {
        var options = Options.parse(List.of("rate=300", "warmup=2m", "rates=50, 100,150"));

        assertThat(options.integer("rate", 1)).isEqualTo(300);
        assertThat(options.duration("warmup", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.duration("drain", Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
        assertThat(options.integers("rates", "1")).containsExactly(50, 100, 150);
    }

    @Test
    void aMisspeltKeyIsAnErrorNamingTheKnownOnes() {
        var options = Options.parse(List.of("rat=300"));
        options.integer("rate", 150);

        assertThatThrownBy(options::rejectUnknown)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[rat]")
                .hasMessageContaining("rate");
    }

    @Test
    void settingsForAnotherProcessPassThrough() {
        var options = Options.parse(List.of("sagaline.twopc.pool-size=8", "rate=10"));
        options.integer("rate", 1);

        assertThat(options.passedOn("sagaline.")).containsEntry("sagaline.twopc.pool-size", "8");
        options.rejectUnknown();
    }

    @Test
    void malformedValuesAreClearErrors() {
        assertThatThrownBy(() -> Options.parse(List.of("warmup=10")).duration("warmup", Duration.ZERO))
                .hasMessageContaining("warmup must be a duration");
        assertThatThrownBy(() -> Options.parse(List.of("rate"))).hasMessageContaining("expected key=value");
    }
}
