package io.sluice.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestStateLock {
  @TempDir Path directory;

  @Test
  void aSecondSyncOnTheSameStateIsRefusedUntilTheFirstLetsGo() {
    Path state = directory.resolve("state.json");
    try (StateLock first = StateLock.acquire(state)) {
      assertThatThrownBy(() -> StateLock.acquire(state))
          .hasMessage("Cannot use state file " + state + ": another Sluice process (pid "
              + ProcessHandle.current().pid() + ") is syncing with it; two syncs on one state would both commit, "
              + "so wait for it to finish or stop it");
    }
    try (StateLock again = StateLock.acquire(state)) {
      assertThat(directory.resolve("state.json.lock")).exists();
    }
  }

  @Test
  void aLockHeldByAnotherProcessIsRefused() throws Exception {
    Path state = directory.resolve("state.json");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StateLockHolder.class.getName(), state.toString())
        .redirectErrorStream(true).start();
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine())
          .isEqualTo("locked");
      assertThatThrownBy(() -> StateLock.acquire(state)).hasMessageContaining("another Sluice process (pid " + holder.pid() + ")");
    } finally {
      holder.destroyForcibly().waitFor();
    }
    StateLock.acquire(state).close();
  }
}
