// The task panel: groups (overdue / today / upcoming / no date / done), filters, and inline
// complete, delete and edit of the title and due date through the REST API.

import { el } from "./dom.js";
import { fromLocalInput, recurrence, toLocalInput, when } from "./format.js";
import { GROUPS, grouped } from "./store.js";

const DONE_SHOWN = 30;

export class TaskPanel {
  constructor({ root, count, search, tagFilter, store, api, notice }) {
    Object.assign(this, { root, count, search, tagFilter, store, api, notice });
    this.editing = null; // {id, title, due}: survives re-renders caused by live events
    this.pending = false;
    search.addEventListener("input", () => this.render());
    tagFilter.addEventListener("change", () => this.render());
  }

  render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  drawTagOptions() {
    const current = this.tagFilter.value;
    const tags = this.store.tags();
    if (current && !tags.includes(current)) tags.push(current);
    this.tagFilter.replaceChildren(
      el("option", { value: "" }, "All tags"),
      ...tags.map((tag) => el("option", { value: tag }, `#${tag}`)),
    );
    this.tagFilter.value = current;
  }

  draw() {
    const focused = document.activeElement?.dataset?.focusKey;
    this.drawTagOptions();
    const all = this.store.all();
    const groups = grouped(all, { tag: this.tagFilter.value, query: this.search.value });
    const sections = [];
    for (const [key, label] of GROUPS) {
      let tasks = groups[key];
      if (!tasks.length) continue;
      const hidden = key === "done" ? Math.max(0, tasks.length - DONE_SHOWN) : 0;
      if (hidden) tasks = tasks.slice(0, DONE_SHOWN);
      sections.push(
        el(
          "section",
          { class: `group group-${key}`, "aria-labelledby": `group-${key}`, dataset: { group: key } },
          el("h3", { id: `group-${key}` }, label, " ", el("span", { class: "count" }, `(${groups[key].length})`)),
          el("ul", { class: "task-list" }, tasks.map((task) => this.item(task))),
          hidden ? el("p", { class: "muted small" }, `…and ${hidden} more done.`) : null,
        ),
      );
    }
    if (!sections.length) {
      sections.push(
        el("p", { class: "muted empty" }, all.length ? "No task matches the filters." : "No tasks yet."),
      );
    }
    this.root.replaceChildren(...sections);
    const pendingCount = all.filter((task) => !task.completed).length;
    this.count.textContent = `${pendingCount} open · ${all.length - pendingCount} done`;
    if (focused) this.root.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  item(task) {
    if (this.editing?.id === task.id) return this.editItem(task);
    const title = task.title;
    const meta = [];
    if (task.priority && task.priority !== "medium") {
      meta.push(el("span", { class: `badge priority-${task.priority}` }, `${task.priority} priority`));
    }
    if (task.due_at) meta.push(el("span", { class: "due" }, `due ${when(task.due_at)}`));
    if (task.recurrence) meta.push(el("span", { class: "recurrence" }, `↻ ${recurrence(task.recurrence)}`));
    if (task.remind_at && !task.completed) {
      meta.push(el("span", { class: "remind" }, `reminder ${when(task.remind_at)}`));
    }
    for (const tag of task.tags || []) meta.push(el("span", { class: "tag" }, `#${tag}`));
    const box = el("input", {
      type: "checkbox",
      class: "complete",
      id: `done-${task.id}`,
      checked: task.completed,
      "aria-label": `${task.completed ? "Reopen" : "Complete"} “${title}”`,
      dataset: { focusKey: `done-${task.id}` },
    });
    box.addEventListener("change", () => this.toggle(task, box.checked));
    return el(
      "li",
      {
        class: `task${task.completed ? " completed" : ""}`,
        dataset: { id: task.id, priority: task.priority || "medium" },
      },
      box,
      el(
        "div",
        { class: "task-body" },
        el("span", { class: "task-title" }, title),
        meta.length ? el("div", { class: "task-meta" }, meta) : null,
      ),
      el(
        "div",
        { class: "task-actions" },
        el(
          "button",
          {
            type: "button",
            class: "edit",
            "aria-label": `Edit “${title}”`,
            dataset: { focusKey: `edit-${task.id}` },
            onclick: () => this.startEdit(task),
          },
          "Edit",
        ),
        el(
          "button",
          {
            type: "button",
            class: "delete",
            "aria-label": `Delete “${title}”`,
            onclick: () => this.remove(task),
          },
          "Delete",
        ),
      ),
    );
  }

  editItem(task) {
    const draft = this.editing;
    const titleInput = el("input", {
      type: "text",
      id: `edit-title-${task.id}`,
      class: "edit-title",
      value: draft.title,
      required: true,
      maxlength: 200,
      dataset: { focusKey: `edit-title-${task.id}` },
    });
    const dueInput = el("input", {
      type: "datetime-local",
      id: `edit-due-${task.id}`,
      class: "edit-due",
      value: draft.due,
      dataset: { focusKey: `edit-due-${task.id}` },
    });
    titleInput.addEventListener("input", () => (draft.title = titleInput.value));
    dueInput.addEventListener("input", () => (draft.due = dueInput.value));
    const form = el(
      "form",
      { class: "task-edit", "aria-label": `Edit “${task.title}”` },
      el("label", { for: titleInput.id }, "Title"),
      titleInput,
      el("label", { for: dueInput.id }, "Due"),
      dueInput,
      el(
        "div",
        { class: "row" },
        el("button", { type: "submit", dataset: { focusKey: `save-${task.id}` } }, "Save"),
        el("button", { type: "button", onclick: () => this.stopEdit(task) }, "Cancel"),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save(task);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.stopEdit(task);
      }
    });
    return el("li", { class: "task editing", dataset: { id: task.id } }, form);
  }

  startEdit(task) {
    this.editing = { id: task.id, title: task.title, due: toLocalInput(task.due_at) };
    this.draw();
    this.root.querySelector(`#edit-title-${CSS.escape(task.id)}`)?.focus();
  }

  stopEdit(task) {
    this.editing = null;
    this.draw();
    this.root.querySelector(`[data-focus-key="edit-${CSS.escape(task.id)}"]`)?.focus();
  }

  async save(task) {
    const { title, due } = this.editing;
    const changes = {};
    if (title.trim() && title.trim() !== task.title) changes.title = title.trim();
    const dueAt = fromLocalInput(due);
    if ((dueAt || null) !== (task.due_at ? new Date(task.due_at).toISOString() : null)) {
      changes.due_at = dueAt;
    }
    try {
      if (Object.keys(changes).length) this.store.upsert(await this.api.update(task.id, changes));
      this.stopEdit(task);
    } catch (error) {
      this.notice(`Could not save: ${error.message}`);
    }
  }

  async toggle(task, completed) {
    try {
      const updated = completed
        ? await this.api.complete(task.id)
        : await this.api.update(task.id, { completed: false });
      this.store.upsert(updated);
    } catch (error) {
      this.notice(`Could not update “${task.title}”: ${error.message}`);
    }
    this.render();
  }

  async remove(task) {
    // Keyboard users keep their place: focus moves to the neighbouring task.
    const row = this.root.querySelector(`.task[data-id="${CSS.escape(task.id)}"]`);
    const rows = [...this.root.querySelectorAll(".task")];
    const index = rows.indexOf(row);
    const neighbour = rows[index + 1] || rows[index - 1];
    try {
      await this.api.remove(task.id);
      this.store.remove(task.id);
      this.notice(`Deleted “${task.title}”.`);
    } catch (error) {
      this.notice(`Could not delete “${task.title}”: ${error.message}`);
      return;
    }
    this.draw();
    const next = neighbour && this.root.querySelector(`#done-${CSS.escape(neighbour.dataset.id)}`);
    (next || this.search).focus();
  }
}
