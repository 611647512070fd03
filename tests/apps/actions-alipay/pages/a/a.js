const track = require('../../utils/track');

Page(track('a', {}));
