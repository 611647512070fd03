// The template is the markup in index.html: Vue's full build compiles it in the page, which
// needs 'unsafe-eval' (declared in the manifest's csp). To-dos persist in localStorage.
const KEY = "todos";
Vue.createApp({
  data() {
    return { draft: "", todos: JSON.parse(localStorage.getItem(KEY) || "[]") };
  },
  computed: {
    left() {
      return this.todos.filter((todo) => !todo.done).length;
    },
  },
  watch: {
    todos: {
      deep: true,
      handler(todos) {
        localStorage.setItem(KEY, JSON.stringify(todos));
      },
    },
  },
  methods: {
    add() {
      const text = this.draft.trim();
      if (!text) return;
      this.todos.push({ id: Date.now() + Math.random(), text, done: false });
      this.draft = "";
    },
    toggle(index) {
      this.todos[index].done = !this.todos[index].done;
    },
  },
}).mount("#app");
