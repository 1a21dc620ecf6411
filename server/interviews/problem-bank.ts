/**
 * The shipped problem bank: classic interview problems with a statement (light Markdown), starter
 * code in JavaScript, TypeScript and Python, and test cases (arguments -> expected return value).
 * Seeded idempotently at boot by `slug` (ProblemsService.seed): edits here reach existing installs.
 */
import type { CompareMode, Difficulty } from '../../protocol/interviews-constants.js';
import type { TestCase } from '../../protocol/interviews.js';

export interface BankProblem {
  slug: string;
  title: string;
  difficulty: Difficulty;
  statement: string;
  functionName: string;
  compare: CompareMode;
  /** Parameters as written in each language's starter. */
  params: { js: string; ts: string; tsReturn: string; py: string };
  tests: TestCase[];
}

/** Starter code for each language from a problem's signature. */
export function starters(p: BankProblem): { javascript: string; typescript: string; python: string } {
  return {
    javascript: `/**\n * ${p.title}\n */\nfunction ${p.functionName}(${p.params.js}) {\n  // Your code here\n}\n`,
    typescript: `// ${p.title}\nfunction ${p.functionName}(${p.params.ts}): ${p.params.tsReturn} {\n  // Your code here\n}\n`,
    python: `# ${p.title}\ndef ${p.functionName}(${p.params.py}):\n    # Your code here\n    pass\n`,
  };
}

export const PROBLEM_BANK: BankProblem[] = [
  {
    slug: 'two-sum',
    title: 'Two Sum',
    difficulty: 'easy',
    statement:
      'Given an array of integers `nums` and an integer `target`, return the **indices** of the two numbers that add up to `target`.\n\nEach input has exactly one solution and you may not use the same element twice. Return the smaller index first.\n\n### Example\n\n```\ntwoSum([2, 7, 11, 15], 9) -> [0, 1]\n```\n\n### Constraints\n\n- 2 ≤ nums.length ≤ 10⁴\n- Aim for better than O(n²).',
    functionName: 'twoSum',
    compare: 'exact',
    params: { js: 'nums, target', ts: 'nums: number[], target: number', tsReturn: 'number[]', py: 'nums, target' },
    tests: [
      { input: [[2, 7, 11, 15], 9], expected: [0, 1] },
      { input: [[3, 2, 4], 6], expected: [1, 2] },
      { input: [[3, 3], 6], expected: [0, 1] },
      { input: [[-1, -2, -3, -4, -5], -8], expected: [2, 4] },
      { input: [[0, 4, 3, 0], 0], expected: [0, 3] },
    ],
  },
  {
    slug: 'valid-parentheses',
    title: 'Valid Parentheses',
    difficulty: 'easy',
    statement:
      'Given a string `s` containing only the characters `()[]{}`, return `true` if the brackets are **balanced**: every opening bracket is closed by the same type, in the right order.\n\n### Examples\n\n```\nisValid("()[]{}") -> true\nisValid("(]") -> false\nisValid("{[]}") -> true\n```',
    functionName: 'isValid',
    compare: 'exact',
    params: { js: 's', ts: 's: string', tsReturn: 'boolean', py: 's' },
    tests: [
      { input: ['()'], expected: true },
      { input: ['()[]{}'], expected: true },
      { input: ['(]'], expected: false },
      { input: ['([)]'], expected: false },
      { input: ['{[]}'], expected: true },
      { input: [''], expected: true },
      { input: ['(('], expected: false },
    ],
  },
  {
    slug: 'reverse-linked-list',
    title: 'Reverse a Linked List',
    difficulty: 'easy',
    statement:
      'A singly linked list is given as an array of its values, head first. Return the values of the **reversed** list.\n\nTry it without built-in reverse: walk the list once, re-pointing each node (here: building the result as you go).\n\n### Example\n\n```\nreverseList([1, 2, 3, 4, 5]) -> [5, 4, 3, 2, 1]\n```',
    functionName: 'reverseList',
    compare: 'exact',
    params: { js: 'head', ts: 'head: number[]', tsReturn: 'number[]', py: 'head' },
    tests: [
      { input: [[1, 2, 3, 4, 5]], expected: [5, 4, 3, 2, 1] },
      { input: [[1, 2]], expected: [2, 1] },
      { input: [[]], expected: [] },
      { input: [[7]], expected: [7] },
    ],
  },
  {
    slug: 'merge-intervals',
    title: 'Merge Intervals',
    difficulty: 'medium',
    statement:
      'Given an array of `intervals` where `intervals[i] = [start, end]`, merge all overlapping intervals and return the non-overlapping intervals that cover them, **sorted by start**.\n\nIntervals that touch (`[1, 4]` and `[4, 5]`) overlap.\n\n### Example\n\n```\nmerge([[1, 3], [2, 6], [8, 10], [15, 18]]) -> [[1, 6], [8, 10], [15, 18]]\n```',
    functionName: 'merge',
    compare: 'exact',
    params: { js: 'intervals', ts: 'intervals: number[][]', tsReturn: 'number[][]', py: 'intervals' },
    tests: [
      { input: [[[1, 3], [2, 6], [8, 10], [15, 18]]], expected: [[1, 6], [8, 10], [15, 18]] },
      { input: [[[1, 4], [4, 5]]], expected: [[1, 5]] },
      { input: [[[1, 4], [0, 4]]], expected: [[0, 4]] },
      { input: [[[1, 4], [2, 3]]], expected: [[1, 4]] },
      { input: [[[5, 6]]], expected: [[5, 6]] },
    ],
  },
  {
    slug: 'longest-substring-without-repeats',
    title: 'Longest Substring Without Repeating Characters',
    difficulty: 'medium',
    statement:
      'Given a string `s`, return the length of the longest **substring** (contiguous) that contains no repeated character.\n\n### Examples\n\n```\nlengthOfLongestSubstring("abcabcbb") -> 3   // "abc"\nlengthOfLongestSubstring("bbbbb") -> 1\nlengthOfLongestSubstring("pwwkew") -> 3     // "wke"\n```\n\nAim for O(n) with a sliding window.',
    functionName: 'lengthOfLongestSubstring',
    compare: 'exact',
    params: { js: 's', ts: 's: string', tsReturn: 'number', py: 's' },
    tests: [
      { input: ['abcabcbb'], expected: 3 },
      { input: ['bbbbb'], expected: 1 },
      { input: ['pwwkew'], expected: 3 },
      { input: [''], expected: 0 },
      { input: ['dvdf'], expected: 3 },
      { input: ['abba'], expected: 2 },
    ],
  },
  {
    slug: 'binary-search',
    title: 'Binary Search',
    difficulty: 'easy',
    statement:
      'Given a sorted (ascending) array of distinct integers `nums` and a `target`, return the index of `target`, or `-1` if it is not there.\n\nYour solution must run in **O(log n)**.\n\n### Example\n\n```\nsearch([-1, 0, 3, 5, 9, 12], 9) -> 4\nsearch([-1, 0, 3, 5, 9, 12], 2) -> -1\n```',
    functionName: 'search',
    compare: 'exact',
    params: { js: 'nums, target', ts: 'nums: number[], target: number', tsReturn: 'number', py: 'nums, target' },
    tests: [
      { input: [[-1, 0, 3, 5, 9, 12], 9], expected: 4 },
      { input: [[-1, 0, 3, 5, 9, 12], 2], expected: -1 },
      { input: [[5], 5], expected: 0 },
      { input: [[1, 3], 3], expected: 1 },
      { input: [[], 1], expected: -1 },
    ],
  },
  {
    slug: 'fizzbuzz',
    title: 'FizzBuzz',
    difficulty: 'easy',
    statement:
      'Return an array of the strings for `1..n`: `"Fizz"` for multiples of 3, `"Buzz"` for multiples of 5, `"FizzBuzz"` for multiples of both, and the number itself (as a string) otherwise.\n\n### Example\n\n```\nfizzBuzz(5) -> ["1", "2", "Fizz", "4", "Buzz"]\n```',
    functionName: 'fizzBuzz',
    compare: 'exact',
    params: { js: 'n', ts: 'n: number', tsReturn: 'string[]', py: 'n' },
    tests: [
      { input: [3], expected: ['1', '2', 'Fizz'] },
      { input: [5], expected: ['1', '2', 'Fizz', '4', 'Buzz'] },
      { input: [15], expected: ['1', '2', 'Fizz', '4', 'Buzz', 'Fizz', '7', '8', 'Fizz', 'Buzz', '11', 'Fizz', '13', '14', 'FizzBuzz'] },
      { input: [1], expected: ['1'] },
    ],
  },
  {
    slug: 'maximum-subarray',
    title: 'Maximum Subarray',
    difficulty: 'medium',
    statement:
      'Given an integer array `nums` (at least one element), find the contiguous subarray with the **largest sum** and return that sum.\n\n### Example\n\n```\nmaxSubArray([-2, 1, -3, 4, -1, 2, 1, -5, 4]) -> 6   // [4, -1, 2, 1]\n```\n\nKadane’s algorithm solves it in O(n).',
    functionName: 'maxSubArray',
    compare: 'exact',
    params: { js: 'nums', ts: 'nums: number[]', tsReturn: 'number', py: 'nums' },
    tests: [
      { input: [[-2, 1, -3, 4, -1, 2, 1, -5, 4]], expected: 6 },
      { input: [[1]], expected: 1 },
      { input: [[5, 4, -1, 7, 8]], expected: 23 },
      { input: [[-3, -1, -2]], expected: -1 },
    ],
  },
  {
    slug: 'climbing-stairs',
    title: 'Climbing Stairs',
    difficulty: 'easy',
    statement:
      'You climb a staircase of `n` steps, taking **1 or 2** steps at a time. In how many distinct ways can you reach the top?\n\n### Examples\n\n```\nclimbStairs(2) -> 2   // 1+1, 2\nclimbStairs(3) -> 3   // 1+1+1, 1+2, 2+1\n```\n\n1 ≤ n ≤ 45: a naive recursion is too slow for the last test.',
    functionName: 'climbStairs',
    compare: 'exact',
    params: { js: 'n', ts: 'n: number', tsReturn: 'number', py: 'n' },
    tests: [
      { input: [1], expected: 1 },
      { input: [2], expected: 2 },
      { input: [3], expected: 3 },
      { input: [5], expected: 8 },
      { input: [45], expected: 1836311903 },
    ],
  },
  {
    slug: 'group-anagrams',
    title: 'Group Anagrams',
    difficulty: 'medium',
    statement:
      'Given an array of strings `strs`, group the **anagrams** together (words made of the same letters). Return the groups in any order, the words of a group in any order.\n\n### Example\n\n```\ngroupAnagrams(["eat", "tea", "tan", "ate", "nat", "bat"])\n  -> [["bat"], ["nat", "tan"], ["ate", "eat", "tea"]]\n```',
    functionName: 'groupAnagrams',
    compare: 'unordered-deep',
    params: { js: 'strs', ts: 'strs: string[]', tsReturn: 'string[][]', py: 'strs' },
    tests: [
      { input: [['eat', 'tea', 'tan', 'ate', 'nat', 'bat']], expected: [['bat'], ['nat', 'tan'], ['ate', 'eat', 'tea']] },
      { input: [['']], expected: [['']] },
      { input: [['a']], expected: [['a']] },
      { input: [['abc', 'bca', 'xyz', 'zyx', 'q']], expected: [['abc', 'bca'], ['xyz', 'zyx'], ['q']] },
    ],
  },
  {
    slug: 'contains-duplicate',
    title: 'Contains Duplicate',
    difficulty: 'easy',
    statement: 'Return `true` if any value appears **at least twice** in `nums`, `false` if every element is distinct.\n\n### Example\n\n```\ncontainsDuplicate([1, 2, 3, 1]) -> true\ncontainsDuplicate([1, 2, 3, 4]) -> false\n```',
    functionName: 'containsDuplicate',
    compare: 'exact',
    params: { js: 'nums', ts: 'nums: number[]', tsReturn: 'boolean', py: 'nums' },
    tests: [
      { input: [[1, 2, 3, 1]], expected: true },
      { input: [[1, 2, 3, 4]], expected: false },
      { input: [[]], expected: false },
      { input: [[1, 1, 1, 3, 3, 4, 3, 2, 4, 2]], expected: true },
    ],
  },
  {
    slug: 'valid-palindrome',
    title: 'Valid Palindrome',
    difficulty: 'easy',
    statement:
      'A phrase is a palindrome if, after lower-casing it and removing every character that is not a letter or digit, it reads the same forwards and backwards. Given `s`, return whether it is one.\n\n### Example\n\n```\nisPalindrome("A man, a plan, a canal: Panama") -> true\nisPalindrome("race a car") -> false\n```',
    functionName: 'isPalindrome',
    compare: 'exact',
    params: { js: 's', ts: 's: string', tsReturn: 'boolean', py: 's' },
    tests: [
      { input: ['A man, a plan, a canal: Panama'], expected: true },
      { input: ['race a car'], expected: false },
      { input: [' '], expected: true },
      { input: ['0P'], expected: false },
    ],
  },
];
