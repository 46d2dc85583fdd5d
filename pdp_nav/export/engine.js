/* pdp-nav offline page, part 1: the tree and its evaluation, without the DOM.
 * A port of pdp_nav/core/conditions.py (explain), core/engine.py (evaluate, remaining_bounds,
 * iter_paths) and summary.describe_reason: same results, same order, same reasons. */
function pdpEngine(raw) {
  "use strict";
  var tree = raw.tree;
  var questions = new Map(raw.questions.map(function (q) { return [q.id, q]; }));
  var outcomes = new Map(raw.outcomes.map(function (o) { return [o.id, o]; }));
  var dispositifs = raw.dispositifs; /* catalogue order matters */
  var dispositifById = new Map(dispositifs.map(function (d) { return [d.id, d]; }));
  var contacts = new Map(raw.contacts.map(function (c) { return [c.id, c]; }));
  var has = function (obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); };

  /* --- Conditions: port of conditions.py (explain) ------------------------------- */
  function reason(node, option, expected, negated) {
    return { node: node, option: option, expected: expected, negated: negated };
  }

  function explain(cond, answers) {
    var i, r, acc = [];
    if (cond === true) return [true, []];
    if (has(cond, "all")) {
      for (i = 0; i < cond.all.length; i++) {
        r = explain(cond.all[i], answers);
        if (!r[0]) return [false, r[1]]; /* the first failing part is why it fails */
        acc = acc.concat(r[1]);
      }
      return [true, acc];
    }
    if (has(cond, "any")) {
      for (i = 0; i < cond.any.length; i++) {
        r = explain(cond.any[i], answers);
        if (r[0]) return [true, r[1]]; /* the first part that holds is why it holds */
        acc = acc.concat(r[1]);
      }
      return [false, acc];
    }
    if (has(cond, "not")) {
      r = explain(cond.not, answers);
      return [!r[0], r[1].map(function (x) { return reason(x.node, x.option, x.expected, !x.negated); })];
    }
    var node = Object.keys(cond)[0];
    var options = cond[node];
    /* a question not asked on the path never satisfies an atom */
    var given = answers.has(node) ? answers.get(node) : null;
    return [given !== null && options.indexOf(given) >= 0, [reason(node, given, options, false)]];
  }

  /* --- Results: port of engine.evaluate ------------------------------------------ */
  function answersOf(steps) {
    return new Map(steps.map(function (s) { return [s.question, s.option]; }));
  }

  function contactsOf(d, answers) { /* port of Tree.contacts_of with answers */
    var hidden = d.contact_when.filter(function (c) { return !explain(c.when, answers)[0]; })
      .map(function (c) { return c.id; });
    return d.contacts.filter(function (cid) { return hidden.indexOf(cid) < 0; });
  }

  var TERRITORY = "@departement"; /* engine.TERRITORY: the reason of a local dispositif */
  var here = tree.departement || null;

  function evaluate(steps, outcome) {
    var answers = answersOf(steps), proposals = [], exclusions = [];
    dispositifs.forEach(function (d) {
      var local = d.departements.length ? [reason(TERRITORY, here, d.departements, false)] : [];
      if (local.length && d.departements.indexOf(here) < 0) {
        exclusions.push({ dispositif: d, reasons: local });
        return;
      }
      var r = explain(d.when, answers);
      if (r[0]) proposals.push({ dispositif: d, reasons: local.concat(r[1]), contacts: contactsOf(d, answers) });
      else exclusions.push({ dispositif: d, reasons: r[1] });
    });
    var rank = new Map(outcome.first.map(function (id, i) { return [id, i]; }));
    var rankOf = function (p) { return rank.has(p.dispositif.id) ? rank.get(p.dispositif.id) : rank.size; };
    proposals.sort(function (a, b) { return rankOf(a) - rankOf(b); }); /* stable */
    var uses = new Map();
    proposals.forEach(function (p) {
      p.contacts.forEach(function (cid) {
        if (!uses.has(cid)) uses.set(cid, []);
        uses.get(cid).push(p.dispositif.id);
      });
    });
    var contactUses = [];
    uses.forEach(function (ids, cid) {
      if (contacts.has(cid)) contactUses.push({ contact: contacts.get(cid), dispositifs: ids });
    });
    return { outcome: outcome, proposals: proposals, exclusions: exclusions, contacts: contactUses };
  }

  /* --- French wording: port of summary.describe_reason ------------------------------ */
  function labelOf(qid, oid) {
    var q = questions.get(qid), o = null;
    if (q && oid) o = q.options.find(function (x) { return x.id === oid; }) || null;
    return o ? o.label : (oid || "");
  }

  function questionText(qid) {
    var q = questions.get(qid);
    return q ? q.text : qid;
  }

  function territoryText(r, proposed) { /* port of summary.territory_text */
    var deps = r.expected;
    var names = deps.length > 1 ? "des départements " + deps.slice(0, -1).join(", ") + " et " + deps[deps.length - 1]
      : "du département " + deps[0];
    if (proposed) return "dispositif local " + names;
    if (r.option === null) {
      return "dispositif local " + names + " : indiquez le département (--departement " + deps[0] +
        ") pour qu'il soit proposé";
    }
    return "dispositif local " + names + ", pas du département " + r.option;
  }

  function describe(r, proposed) {
    if (r.node === TERRITORY) return territoryText(r, proposed);
    var question = questionText(r.node);
    var expected = r.expected.map(function (o) { return "« " + labelOf(r.node, o) + " »"; }).join(" ou ");
    if (r.option === null) {
      if (r.negated) return "« " + question + " » : question non posée sur ce parcours";
      return "« " + question + " » : question non posée sur ce parcours (il faudrait " + expected + ")";
    }
    var given = "« " + labelOf(r.node, r.option) + " »";
    if (proposed) return "« " + question + " » : " + given + (r.negated ? " (pas " + expected + ")" : "");
    if (r.negated) return "« " + question + " » : " + given + " exclut ce dispositif";
    return "« " + question + " » : " + given + " (il faudrait " + expected + ")";
  }

  /* --- Walking the tree ------------------------------------------------------------ */
  function currentId(list) {
    if (!list.length) return tree.root;
    var last = list[list.length - 1];
    return optionOf(last.question, last.option).next;
  }

  function optionOf(qid, oid) {
    var q = questions.get(qid);
    return q ? q.options.find(function (o) { return o.id === oid; }) || null : null;
  }

  var bounds = new Map();
  function remaining(id) { /* port of engine.remaining_bounds */
    if (outcomes.has(id)) return [0, 0];
    if (bounds.has(id)) return bounds.get(id);
    var lo = Infinity, hi = 0;
    questions.get(id).options.forEach(function (o) {
      var b = remaining(o.next);
      lo = Math.min(lo, b[0]);
      hi = Math.max(hi, b[1]);
    });
    bounds.set(id, [1 + lo, 1 + hi]);
    return bounds.get(id);
  }

  /* Follow "q:o,q:o" answers from the root as far as they go. */
  function replay(spec) {
    var given = new Map();
    spec.split(",").forEach(function (pair) {
      var at = pair.indexOf(":");
      if (at > 0) given.set(pair.slice(0, at), pair.slice(at + 1));
    });
    var list = [];
    for (;;) {
      var qid = currentId(list);
      if (!questions.has(qid) || !given.has(qid) || !optionOf(qid, given.get(qid))) return list;
      list.push({ question: qid, option: given.get(qid) });
    }
  }

  function allPaths() { /* port of engine.iter_paths: depth first, options in order */
    var out = [];
    (function walk(id, prefix) {
      if (outcomes.has(id)) { out.push(prefix); return; }
      questions.get(id).options.forEach(function (o) {
        walk(o.next, prefix.concat([{ question: id, option: o.id }]));
      });
    })(tree.root, []);
    return out;
  }

  /* --- The action plan: port of plan.build_plan ------------------------------------- */
  var WHEN = ["maintenant", "reprise", "ensuite"], MAIN = 7, SELF = "spst", NBSP = "\u00a0";
  var GROUPS = { maintenant: "Maintenant", reprise: "À la reprise", ensuite: "Ensuite, si besoin" };
  var REACH = ["telephone", "web", "email"], REACH_NAMES = { telephone: "Tél.", web: "Web", email: "Courriel" };

  function contactName(cid) { return contacts.get(cid).name.split(" (")[0].trim(); }

  function reach(cid) { /* port of plan.reach */
    var best = null;
    contacts.get(cid).channels.forEach(function (ch) {
      if (REACH.indexOf(ch.kind) < 0 || ch.value.indexOf("\u00c0 COMPL\u00c9TER") >= 0 || !ch.value.trim()) return;
      if (best === null || REACH.indexOf(ch.kind) < REACH.indexOf(best.kind)) best = ch;
    });
    return best ? REACH_NAMES[best.kind] + " " + best.value.replace(/^https?:\/\//, "").replace(/\/+$/, "") : "";
  }

  function shownContacts(d, answers) {
    return contactsOf(d, answers).filter(function (c) { return contacts.has(c); });
  }

  function planAction(d, answers) { /* port of plan._action */
    var p = d.plan, when = p.when, priority = p.priority, key = p.key_fact;
    var c = p.cases.find(function (k) { return explain(k["if"], answers)[0]; });
    if (c) { when = c.when || when; priority = c.priority || priority; key = c.key_fact || key; }
    var cs = shownContacts(d, answers);
    var who = p.who || (!cs.length ? "" : cs[0] === SELF ? "vous (SPST)" : contactName(cs[0]));
    var a = { id: d.id, short: p.short, when: when, priority: priority, key_fact: key, who: who,
              to_confirm: d.confidence !== "high" || !!d.to_confirm };
    a.line = [a.short + (key ? " — " + key : ""), who, a.to_confirm ? "à" + NBSP + "confirmer" : ""]
      .filter(Boolean).join(" · ");
    return a;
  }

  function plan(steps, result) { /* port of plan.build_plan */
    var answers = answersOf(steps);
    var ranked = result.proposals.map(function (p) { return planAction(p.dispositif, answers); });
    ranked.sort(function (a, b) { return a.priority - b.priority; }); /* stable */
    var main = ranked.slice(0, MAIN).sort(function (a, b) { return WHEN.indexOf(a.when) - WHEN.indexOf(b.when); });
    var all = main.concat(ranked.slice(MAIN));
    all.forEach(function (a, i) { a.number = i + 1; });
    var uses = new Map();
    main.forEach(function (a) {
      shownContacts(dispositifById.get(a.id), answers).forEach(function (cid) {
        if (cid === SELF) return;
        if (!uses.has(cid)) uses.set(cid, []);
        uses.get(cid).push(a.number);
      });
    });
    var lines = [];
    uses.forEach(function (numbers, cid) {
      var how = reach(cid);
      lines.push({ id: cid, name: contactName(cid), how: how, actions: numbers,
                   line: [contactName(cid), how, (numbers.length === 1 ? "action " : "actions ")
                          + numbers.join("," + NBSP)].filter(Boolean).join(" · ") });
    });
    return {
      groups: WHEN.filter(function (w) { return main.some(function (a) { return a.when === w; }); })
        .map(function (w) { return { when: w, title: GROUPS[w], actions: main.filter(function (a) { return a.when === w; }) }; }),
      others: ranked.slice(MAIN), actions: all, contacts: lines
    };
  }

  return {
    plan: plan,
    tree: tree, questions: questions, outcomes: outcomes, dispositifById: dispositifById, contacts: contacts,
    evaluate: evaluate, describe: describe, labelOf: labelOf, currentId: currentId, optionOf: optionOf,
    remaining: remaining, replay: replay, allPaths: allPaths
  };
}
