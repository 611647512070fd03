// A view script: labels the count, and allocates without end when asked to.
export default {
  label(count) {
    return 'tapped ' + count + (count === 1 ? ' time' : ' times');
  },
  grow(on) {
    if (!on) return '';
    var s = 'x';
    for (var i = 0; i < 40; i++) s += s;
    return s.length;
  },
};
