package io.sluice.engine.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values (passwords, keys) seen while loading configs, so that any text shown to the user can be
 * scrubbed of them as a last line of defence. Connectors must not put secrets into messages in the first
 * place; this catches what slips through (a driver echoing a connection string, say).
 */
public final class SecretRegistry {
  private static final String MASK = "****";
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** Remembers a secret value; values shorter than 3 characters are ignored (too likely to be ordinary text). */
  public void add(String secret) {
    if (secret != null && secret.length() >= 3) {
      secrets.add(secret);
    }
  }

  /** {@code text} with every known secret replaced by {@value #MASK}. */
  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    return result;
  }
}
