package cn.gridmap.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A credential from a request: a bearer token or an API key, with the client address (for rate limits and the log). */
final class TokenRequest extends BaseAuthenticationRequest {
    enum Type {
        BEARER, API_KEY
    }

    final Type type;
    final String value;

    TokenRequest(Type type, String value) {
        this.type = type;
        this.value = value;
    }
}
