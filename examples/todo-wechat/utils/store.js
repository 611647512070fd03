// The todo list lives in storage under one key, as an array of {id, text, done}.
// Both tab pages read it when they are shown, so edits on one show up on the other.

const KEY = 'todos';

function load() {
  let todos = [];
  try {
    // An absent key reads as '' in WeChat.
    const stored = wx.getStorageSync(KEY);
    if (Array.isArray(stored)) todos = stored;
  } catch (e) {
    console.warn('could not read todos: ' + e.message);
  }
  getApp().globalData.todos = todos;
  return todos;
}

function save(todos) {
  getApp().globalData.todos = todos;
  wx.setStorageSync(KEY, todos);
}

function nextId(todos) {
  return todos.reduce((max, todo) => Math.max(max, Number(todo.id) || 0), 0) + 1;
}

function remaining(todos) {
  return todos.filter((todo) => !todo.done).length;
}

module.exports = { KEY, load, save, nextId, remaining };
