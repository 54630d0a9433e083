package dev.bascule.config.model;

/**
 * {@code load-server-state-from-file}: which file a backend's servers take their state from when the process
 * starts. NONE, HAProxy's default, reads none; GLOBAL the {@code server-state-file} of the global section; LOCAL
 * the backend's {@code server-state-file-name}.
 */
public enum LoadServerState { NONE, GLOBAL, LOCAL }
