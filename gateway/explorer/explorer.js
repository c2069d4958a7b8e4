/* global document, fetch, sessionStorage, setTimeout, clearTimeout, React, ReactDOM, GraphiQL */
// The self-hosted explorer: signs in with `login`, keeps the token for this browser tab, renews it with
// `refreshToken` before it expires and sends it as `Authorization: Bearer` on every request. Plain script,
// no build step: React, ReactDOM and GraphiQL are the UMD builds the gateway serves from its packages.
(function () {
  'use strict';

  var ENDPOINT = '/graphql';
  var CLIENT_NAME = 'casino-explorer';
  var STORAGE_KEY = 'casino-explorer-session';
  // renew this long before expiry (at most a fifth of the token's remaining life)
  var RENEW_AHEAD_MS = 60 * 1000;

  var LOGIN = [
    'mutation ExplorerLogin($input: LoginInput!) {',
    '  login(input: $input) { token refreshToken expiresAt user { username role } }',
    '}',
  ].join('\n');
  var REFRESH = [
    'mutation ExplorerRefresh($input: RefreshTokenInput!) {',
    '  refreshToken(input: $input) { token refreshToken expiresAt }',
    '}',
  ].join('\n');
  var LOGOUT = 'mutation ExplorerLogout($input: LogoutInput!) { logout(input: $input) }';

  var DEFAULT_QUERY = [
    '# Signed in: every request carries your token, and your role decides what you see.',
    '{',
    '  members(first: 5) {',
    '    totalCount',
    '    edges {',
    '      node {',
    '        memberNumber',
    '        firstName',
    '        lastName',
    '        tier',
    '        nicPassport',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  var session = null;
  var renewTimer = null;
  var renewing = null;
  var root = null;

  var el = {
    panel: document.getElementById('sign-in-panel'),
    form: document.getElementById('sign-in'),
    error: document.getElementById('sign-in-error'),
    status: document.getElementById('session'),
    user: document.getElementById('session-user'),
    signOut: document.getElementById('sign-out'),
    graphiql: document.getElementById('graphiql'),
  };

  function post(query, variables, token, extraHeaders) {
    var headers = Object.assign({}, extraHeaders, {
      'content-type': 'application/json',
      'apollographql-client-name': CLIENT_NAME,
    });
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(ENDPOINT, {
      method: 'POST',
      headers: headers,
      credentials: 'omit',
      body: JSON.stringify({ query: query, variables: variables }),
    }).then(function (response) {
      return response.json().then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function firstError(body) {
    return body && body.errors && body.errors.length ? body.errors[0].message : null;
  }

  function save(next) {
    session = next;
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
  }

  function restore() {
    try {
      var stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      return stored && stored.token && stored.refreshToken ? stored : null;
    } catch {
      return null;
    }
  }

  function scheduleRenewal() {
    clearTimeout(renewTimer);
    if (!session) return;
    var left = Date.parse(session.expiresAt) - Date.now();
    var delay = Math.max(0, left - Math.min(RENEW_AHEAD_MS, left / 5));
    renewTimer = setTimeout(function () {
      renew().catch(function () {});
    }, delay);
  }

  /** One renewal at a time: a refresh token works once, so concurrent requests share the same exchange. */
  function renew() {
    if (renewing) return renewing;
    if (!session) return Promise.reject(new Error('not signed in'));
    var used = session.refreshToken;
    renewing = post(REFRESH, { input: { refreshToken: used } })
      .then(function (result) {
        var renewed = result.body.data && result.body.data.refreshToken;
        if (!renewed) {
          end('Your session ended (' + (firstError(result.body) || 'refresh refused') + '): sign in again.');
          throw new Error('refresh refused');
        }
        save(Object.assign({}, session, renewed));
        scheduleRenewal();
        return session.token;
      })
      .finally(function () {
        renewing = null;
      });
    return renewing;
  }

  /** The token to send now: renewed first when it is about to expire. */
  function currentToken() {
    if (!session) return Promise.reject(new Error('not signed in'));
    if (Date.parse(session.expiresAt) - Date.now() < 5000) return renew();
    return Promise.resolve(session.token);
  }

  function fetcher(params, options) {
    var extra = (options && options.headers) || {};
    return currentToken().then(function (token) {
      return post(params.query, params.variables, token, extra).then(function (result) {
        if (result.status === 401) end('Your session ended: sign in again.');
        return result.body;
      });
    });
  }

  function showExplorer() {
    el.panel.hidden = true;
    el.status.hidden = false;
    el.user.textContent = session.user.username + ' (' + session.user.role + ')';
    el.graphiql.hidden = false;
    if (!root) {
      root = ReactDOM.createRoot(el.graphiql);
      root.render(
        React.createElement(GraphiQL, {
          fetcher: fetcher,
          defaultQuery: DEFAULT_QUERY,
          shouldPersistHeaders: false,
        }),
      );
    }
  }

  function showSignIn(message) {
    if (root) {
      root.unmount();
      root = null;
    }
    el.graphiql.hidden = true;
    el.status.hidden = true;
    el.panel.hidden = false;
    el.error.textContent = message || '';
    el.form.elements.password.value = '';
    el.form.elements.totpCode.value = '';
  }

  function end(message) {
    clearTimeout(renewTimer);
    save(null);
    showSignIn(message);
  }

  el.form.addEventListener('submit', function (event) {
    event.preventDefault();
    var fields = el.form.elements;
    var input = { username: fields.username.value.trim(), password: fields.password.value };
    if (fields.totpCode.value.trim()) input.totpCode = fields.totpCode.value.trim();
    el.error.textContent = '';
    post(LOGIN, { input: input })
      .then(function (result) {
        var login = result.body.data && result.body.data.login;
        if (!login) {
          el.error.textContent = firstError(result.body) || 'Sign-in failed';
          return;
        }
        save(login);
        scheduleRenewal();
        showExplorer();
      })
      .catch(function (error) {
        el.error.textContent = 'The gateway did not answer: ' + error.message;
      });
  });

  el.signOut.addEventListener('click', function () {
    var ending = session;
    end('Signed out.');
    if (ending)
      post(LOGOUT, { input: { refreshToken: ending.refreshToken } }, ending.token).catch(function () {});
  });

  session = restore();
  if (session) {
    // a reload keeps the tab's session; a token that expired meanwhile is renewed before any request
    scheduleRenewal();
    showExplorer();
  } else {
    showSignIn();
  }
})();
