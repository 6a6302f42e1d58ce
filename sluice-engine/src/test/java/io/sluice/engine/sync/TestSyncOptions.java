package io.sluice.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestSyncOptions {
  @Test
  void defaultsArePinned() {
    assertThat(SyncOptions.DEFAULTS).isEqualTo(new SyncOptions(2, 1024, 16, 32L * 1024 * 1024));
  }

  @Test
  void nonPositiveDialsAreRefused() {
    assertThatThrownBy(() -> new SyncOptions(0, 1, 1, 1)).hasMessageContaining("every dial must be positive");
  }
}
