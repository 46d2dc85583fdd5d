/* pdp-nav offline page, part 2: click through the questions, read the dispositifs and contacts.
 * The tree is embedded as JSON in #pdp-data and evaluated by pdpEngine (engine.js).
 * All data text goes through textContent: nothing from the tree is parsed as HTML. */
(function () {
  "use strict";

  var engine = pdpEngine(JSON.parse(document.getElementById("pdp-data").textContent));
  var tree = engine.tree, questions = engine.questions, outcomes = engine.outcomes;
  var contacts = engine.contacts, dispositifById = engine.dispositifById;
  var evaluate = engine.evaluate, describe = engine.describe, labelOf = engine.labelOf;
  var currentId = engine.currentId, remaining = engine.remaining, replay = engine.replay;
  var has = function (obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); };

  /* --- Navigation state ------------------------------------------------------------ */
  var steps = []; /* [{question, option}] */

  function hashOf(list) {
    return list.length ? "#reponses=" + list.map(function (s) { return s.question + ":" + s.option; }).join(",") : "";
  }

  function go(list) {
    steps = list;
    render();
    var hash = hashOf(steps);
    if (location.hash !== hash) {
      try { history.pushState(null, "", hash || location.pathname + location.search); } catch (e) { /* file: */ }
    }
  }

  /* The answers of a "#reponses=q:o,..." link. A damaged link (bad %-escape) starts from the first
   * question with a French message, instead of stopping the script on a blank page (issue #11). */
  function stepsFromHash(hash) {
    var notice = document.getElementById("pdp-link-notice");
    if (notice) notice.remove();
    if (hash.slice(0, 10) !== "#reponses=") return [];
    try {
      return replay(decodeURIComponent(hash.slice(10)));
    } catch (e) {
      main.parentNode.insertBefore(el("p", { id: "pdp-link-notice", class: "warning", role: "alert" },
        "Lien abîmé : les réponses écrites après « #reponses= » dans l'adresse sont illisibles. " +
        "Reprenez depuis la première question ci-dessous, ou recopiez le lien en entier."), main);
      return [];
    }
  }

  function answer(qid, oid) { go(steps.concat([{ question: qid, option: oid }])); }
  function back() { if (steps.length) go(steps.slice(0, -1)); }
  function restart() { go([]); }
  function jump(index) { go(steps.slice(0, index)); }

  /* --- DOM helpers ----------------------------------------------------------------- */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 5) === "data-") node.setAttribute(k, attrs[k]);
      else if (k === "onclick") node.addEventListener("click", attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === "") continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function frDate(iso) {
    var p = iso.split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso;
  }

  function link(href, text) {
    return el("a", { href: href, rel: "noopener noreferrer" }, text);
  }

  var CHANNEL = { telephone: "Tél.", web: "Web", email: "Courriel", adresse: "Adresse", autre: "" };

  function channelItem(ch) {
    var value = ch.value, body = value;
    if (ch.kind === "web" && /^https?:\/\//.test(value)) body = link(value, value);
    else if (ch.kind === "email" && /^[^\s@]+@[^\s@]+$/.test(value)) body = link("mailto:" + value, value);
    else if (ch.kind === "telephone" && /^[+0-9 .]+$/.test(value)) body = link("tel:" + value.replace(/[ .]/g, ""), value);
    var name = has(CHANNEL, ch.kind) ? CHANNEL[ch.kind] : ch.kind;
    return el("li", { class: "channel" }, name ? name + " " : "", body, ch.note ? " (" + ch.note + ")" : "");
  }

  /* --- Rendering ------------------------------------------------------------------- */
  var main = document.getElementById("pdp-main");
  var crumbs = document.getElementById("pdp-crumbs");
  var backButton = document.getElementById("pdp-back");

  function renderCrumbs() {
    crumbs.textContent = "";
    steps.forEach(function (s, i) {
      var q = questions.get(s.question);
      crumbs.appendChild(el("li", {},
        el("button", { type: "button", class: "crumb", "data-crumb": s.question, title: "Revenir à cette question",
                       onclick: function () { jump(i); } },
           q.text + " ", el("strong", {}, labelOf(s.question, s.option)))));
    });
    document.getElementById("pdp-trail").hidden = steps.length === 0;
  }

  function renderQuestion(q) {
    var b = remaining(q.id);
    var more = b[0] === b[1] ? b[0] + " question" + (b[0] > 1 ? "s" : "") : b[0] + " à " + b[1] + " questions";
    var progress = "Question " + (steps.length + 1) + " · encore " + more + ", celle-ci comprise";
    var group = el("div", { id: "pdp-options", class: "options", role: "group", "aria-label": "Réponses possibles" });
    q.options.forEach(function (o, i) {
      group.appendChild(el("button", {
        type: "button", class: "option", "data-question": q.id, "data-option": o.id,
        onclick: function () { answer(q.id, o.id); }
      }, i < 9 ? el("span", { class: "key", "aria-hidden": "true" }, String(i + 1)) : null,
      el("span", { class: "label" }, o.label), o.help ? el("span", { class: "option-help" }, o.help) : null));
    });
    return el("section", { class: "question", "data-node": q.id },
      el("p", { class: "progress" }, progress),
      el("h2", { tabindex: "-1" }, q.text),
      q.help ? el("p", { class: "help" }, q.help) : null, group);
  }

  function field(dl, title, value) {
    if (!value || (value.length !== undefined && value.length === 0)) return;
    dl.appendChild(el("dt", {}, title));
    dl.appendChild(el("dd", {}, value));
  }

  function list(items) {
    var ul = el("ul", {});
    items.forEach(function (item) { ul.appendChild(el("li", {}, item)); });
    return ul;
  }

  function card(p, n) {
    var d = p.dispositif, dl = el("dl", {});
    d.card.forEach(function (f) { /* the fields of plan.card, in its order; a list of links one a line */
      field(dl, f[0], f[2] ? list(f[2].map(function (r) {
        return r[1] && /^https?:\/\//.test(r[1]) ? link(r[1], r[0]) : r[0];
      })) : f[1]);
    });
    var why = p.reasons.map(function (r) { return describe(r, true); });
    field(dl, "Pourquoi", why.length ? list(why) : "proposé dans toutes les situations");
    field(dl, "Contacts", p.contacts.filter(function (c) { return contacts.has(c); })
      .map(function (c) { return contacts.get(c).name; }).join(", "));
    return el("details", { class: "fiche", id: "fiche-" + d.id }, el("summary", {}, n + ". " + d.name),
      el("article", { class: "card", "data-dispositif": d.id }, el("h4", {}, n + ". " + d.name),
        el("p", { class: "summary" }, d.summary), dl));
  }

  function openCard(id) { /* an action of the plan opens its card */
    var details = document.getElementById("fiche-" + id);
    details.open = true;
    details.scrollIntoView();
    details.querySelector("summary").focus();
  }

  function actionButton(a, text) {
    return el("button", { type: "button", class: "action", "data-action": a.id,
                          onclick: function () { openCard(a.id); } }, text);
  }

  function renderOutcome(o) {
    var result = evaluate(steps, o);
    var ids = result.proposals.map(function (p) { return p.dispositif.id; });
    var section = el("section", {
      class: "outcome", "data-outcome": o.id, "data-dispositifs": ids.join(" "),
      "data-contacts": result.contacts.map(function (u) { return u.contact.id; }).join(" ")
    }, el("p", { class: "progress" }, "Résultat"), el("h2", { tabindex: "-1" }, o.title), el("p", { class: "text" }, o.text));
    var plan = engine.plan(steps, result), proposal = new Map(result.proposals.map(function (p) {
      return [p.dispositif.id, p];
    }));
    plan.groups.forEach(function (g) {
      var ul = el("ul", { class: "actions", "data-when": g.when });
      g.actions.forEach(function (a) { ul.appendChild(el("li", {}, actionButton(a, a.number + ". " + a.line))); });
      section.appendChild(el("h3", {}, g.title));
      section.appendChild(ul);
    });
    if (plan.others.length) {
      var others = el("p", { class: "others" }, "Autres dispositifs possibles (" + plan.others.length + ") : ");
      plan.others.forEach(function (a, i) {
        others.appendChild(actionButton(a, a.number + ". " + a.short));
        if (i < plan.others.length - 1) others.appendChild(document.createTextNode(" · "));
      });
      section.appendChild(others);
    }
    if (plan.contacts.length) {
      var reachable = el("ul", { class: "plan-contacts" });
      plan.contacts.forEach(function (c) { reachable.appendChild(el("li", { "data-contact": c.id }, c.line)); });
      section.appendChild(el("h3", {}, "Qui contacter"));
      section.appendChild(reachable);
    }
    section.appendChild(el("h3", {}, "Fiches des dispositifs (" + ids.length + ")"));
    plan.actions.forEach(function (a) { section.appendChild(card(proposal.get(a.id), a.number)); });
    if (!ids.length) section.appendChild(el("p", { class: "empty" }, "Aucun dispositif ne correspond à cette situation."));
    section.appendChild(el("h3", {}, "Coordonnées"));
    var ul = el("ul", { class: "contacts" });
    result.contacts.forEach(function (u) {
      var c = u.contact, channels = el("ul", { class: "channels" });
      c.channels.forEach(function (ch) { channels.appendChild(channelItem(ch)); });
      ul.appendChild(el("li", { class: "contact", "data-contact": c.id },
        el("strong", {}, c.name), c.departement ? " (département " + c.departement + ")" : "",
        c.description ? el("p", {}, c.description) : null, c.channels.length ? channels : null,
        el("p", { class: "for" }, "Pour : " + u.dispositifs.map(function (id) {
          return dispositifById.get(id).name;
        }).join(", "))));
    });
    section.appendChild(result.contacts.length ? ul : el("p", {}, "Aucun contact."));
    if (result.exclusions.length) {
      var why = el("ul", {});
      result.exclusions.forEach(function (e) {
        why.appendChild(el("li", { "data-excluded": e.dispositif.id }, el("strong", {}, e.dispositif.name), " : ",
          e.reasons.map(function (r) { return describe(r, false); }).join(" ; ")));
      });
      section.appendChild(el("details", { class: "not-proposed" },
        el("summary", {}, "Dispositifs non proposés, et pourquoi (" + result.exclusions.length + ")"), why));
    }
    return section;
  }

  function render() {
    var id = currentId(steps);
    main.textContent = "";
    main.appendChild(outcomes.has(id) ? renderOutcome(outcomes.get(id)) : renderQuestion(questions.get(id)));
    renderCrumbs();
    backButton.disabled = steps.length === 0;
    var heading = main.querySelector("h2");
    if (heading && document.body.dataset.started) heading.focus();
    document.body.dataset.started = "1";
  }

  /* --- Test hooks (activated only by a hash flag; used by the project's tests) ------ */
  var allPaths = engine.allPaths;

  function selfTest(every) { /* every path, or one in ``every`` (a large tree) */
    return allPaths().filter(function (list, i) { return i % every === 0; }).map(function (list) {
      var r = evaluate(list, outcomes.get(currentId(list))), plan = engine.plan(list, r);
      return {
        answers: list.map(function (s) { return [s.question, s.option]; }),
        outcome: r.outcome.id,
        dispositifs: r.proposals.map(function (p) {
          return { id: p.dispositif.id, why: p.reasons.map(function (x) { return describe(x, true); }) };
        }),
        not_proposed: r.exclusions.map(function (e) {
          return { id: e.dispositif.id, why_not: e.reasons.map(function (x) { return describe(x, false); }) };
        }),
        contacts: r.contacts.map(function (u) { return { id: u.contact.id, "for": u.dispositifs }; }),
        plan: plan.actions.map(function (a) { return [a.number, a.id, a.when, a.line]; })
          .concat(plan.contacts.map(function (c) { return c.line; }))
      };
    });
  }

  function clickThrough(tokens, done) {
    /* Tokens in turn; « navigateur-retour » presses the browser's back button and waits for it. */
    var log = [];
    function next(i) {
      if (i === tokens.length || (log.length && log[log.length - 1].slice(0, 6) === "ERREUR")) {
        done(log.concat(["adresse " + location.hash]));
        return;
      }
      var token = tokens[i], target = null, sep = token.indexOf(":");
      if (token === "navigateur-retour") {
        log.push("retour du navigateur");
        window.addEventListener("popstate", function once() { /* after the page's own handler */
          window.removeEventListener("popstate", once);
          setTimeout(function () { next(i + 1); }, 0);
        });
        history.back();
        return;
      }
      if (token.slice(0, 4) === "key:") { /* a digit typed on the keyboard */
        document.dispatchEvent(new KeyboardEvent("keydown", { key: token.slice(4), bubbles: true }));
        log.push("touche " + token.slice(4));
        next(i + 1);
        return;
      }
      if (token === "back") target = backButton;
      else if (token === "restart") target = document.getElementById("pdp-restart");
      else if (token.slice(0, 7) === "action:") { /* an action of the plan */
        target = Array.prototype.find.call(document.querySelectorAll("button.action"),
          function (b) { return b.dataset.action === token.slice(7); });
      } else if (token.slice(0, 6) === "crumb:") {
        target = Array.prototype.find.call(document.querySelectorAll("[data-crumb]"),
          function (b) { return b.dataset.crumb === token.slice(6); });
      } else if (sep > 0) {
        target = Array.prototype.find.call(document.querySelectorAll("#pdp-options button"), function (b) {
          return b.dataset.question === token.slice(0, sep) && b.dataset.option === token.slice(sep + 1);
        });
      }
      log.push(target && !target.disabled ? "clic " + token : "ERREUR pas de bouton pour " + token);
      if (target && !target.disabled) target.click();
      next(i + 1);
    }
    next(0);
  }

  function testOutput(value) {
    /* {"strings": [...], "value": value}, each text of 16 characters or more written once in
     * « strings » and referred to as "\u0000" + its index: a self-test of a large tree gives the
     * same reasons on every path (23 MB for one path in 97 of the shipped tree, 1 MB this way). */
    var strings = [], index = new Map();
    var body = JSON.stringify(value, function (key, v) {
      if (typeof v !== "string" || v.length < 16) return v;
      if (!index.has(v)) { index.set(v, strings.length); strings.push(v); }
      return "\u0000" + index.get(v);
    });
    document.body.appendChild(el("pre", { id: "pdp-test-output", hidden: "hidden" },
      '{"strings":' + JSON.stringify(strings) + ',"value":' + body + "}"));
  }

  /* --- Start --------------------------------------------------------------------- */
  backButton.addEventListener("click", back);
  document.getElementById("pdp-restart").addEventListener("click", restart);
  document.getElementById("pdp-print").addEventListener("click", function () { window.print(); });
  window.addEventListener("beforeprint", function () { /* print the reasons and the cards too */
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("popstate", function () {
    steps = stepsFromHash(location.hash);
    render();
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !/^[1-9]$/.test(event.key)) return;
    var buttons = document.querySelectorAll("#pdp-options button");
    var chosen = buttons[Number(event.key) - 1];
    if (chosen) { event.preventDefault(); chosen.click(); }
  });

  var hash = location.hash;
  steps = stepsFromHash(hash);
  render();
  if (hash === "#pdp-test-all") testOutput(selfTest(1));
  else if (hash.slice(0, 16) === "#pdp-test-every=") testOutput(selfTest(Number(hash.slice(16)) || 1));
  else if (hash.slice(0, 16) === "#pdp-test-click=") clickThrough(decodeURIComponent(hash.slice(16)).split(","), testOutput);
})();
