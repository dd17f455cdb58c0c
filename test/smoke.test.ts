import t from 'tap'
t.test('tap runs typescript', async (t) => { const n: number = 1; t.equal(n, 1) })
