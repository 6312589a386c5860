#pragma once

#include "proto/topicfilter.h"

#include <QHashFunctions>

#include <memory>
#include <unordered_map>
#include <vector>

namespace ssehub {

// A trie over filter levels with '+' and '#' branches: matching a topic costs its depth plus the
// number of matching entries, not the number of filters indexed. T is a small value (a pointer or
// an integer); one value may be indexed once per filter.
template<typename T> class TopicIndex
{
public:
    void insert(const TopicFilter &filter, T value)
    {
        Node *node = &m_root;
        for (const QByteArray &level : filter.levels()) {
            if (level == "#") {
                node->hash.push_back(value);
                ++m_size;
                return;
            }
            std::unique_ptr<Node> &child = level == "+" ? node->plus : node->children[level];
            if (!child)
                child = std::make_unique<Node>();
            node = child.get();
        }
        node->here.push_back(value);
        ++m_size;
    }

    // Removes one entry; returns false when it was not indexed.
    bool remove(const TopicFilter &filter, T value)
    {
        const bool removed = removeAt(&m_root, filter.levels(), 0, value);
        if (removed)
            --m_size;
        return removed;
    }

    qsizetype size() const { return m_size; }

    // Calls visit(value) for every entry whose filter matches the topic (once per entry).
    template<typename Visit> void match(const QByteArray &topic, Visit &&visit) const
    {
        const bool system = topic.startsWith('$');
        matchAt(&m_root, topic, 0, system, visit);
    }

private:
    struct ByteArrayHash
    {
        size_t operator()(const QByteArray &key) const noexcept { return qHash(key); }
    };
    // The entries that end at one node: a vector to iterate, and each value's position in it,
    // so that removing one of 10,000 subscribers of a topic does not scan the other 9,999.
    struct Entries
    {
        std::vector<T> values;
        std::unordered_map<T, size_t> positions;

        bool empty() const { return values.empty(); }
        void push_back(T value)
        {
            positions.emplace(value, values.size());
            values.push_back(value);
        }
        bool erase(T value)
        {
            const auto it = positions.find(value);
            if (it == positions.end())
                return false;
            const size_t at = it->second;
            positions.erase(it);
            if (at + 1 != values.size()) {
                values[at] = values.back();
                positions[values[at]] = at;
            }
            values.pop_back();
            return true;
        }
        auto begin() const { return values.begin(); }
        auto end() const { return values.end(); }
    };

    struct Node
    {
        std::unordered_map<QByteArray, std::unique_ptr<Node>, ByteArrayHash> children;
        std::unique_ptr<Node> plus;
        Entries here; // filters ending at this node
        Entries hash; // filters ending with '#' below this node
        bool isEmpty() const { return children.empty() && !plus && here.empty() && hash.empty(); }
    };

    static bool eraseOne(Entries &list, T value) { return list.erase(value); }

    static bool removeAt(Node *node, const QList<QByteArray> &levels, qsizetype i, T value)
    {
        if (i == levels.size())
            return eraseOne(node->here, value);
        const QByteArray &level = levels.at(i);
        if (level == "#")
            return eraseOne(node->hash, value);
        if (level == "+") {
            if (!node->plus || !removeAt(node->plus.get(), levels, i + 1, value))
                return false;
            if (node->plus->isEmpty())
                node->plus.reset();
            return true;
        }
        auto it = node->children.find(level);
        if (it == node->children.end() || !removeAt(it->second.get(), levels, i + 1, value))
            return false;
        if (it->second->isEmpty())
            node->children.erase(it);
        return true;
    }

    // pos is the start of the current level in topic; pos > topic.size() means no level is left.
    template<typename Visit>
    static void matchAt(const Node *node, const QByteArray &topic, qsizetype pos, bool system,
                        Visit &visit)
    {
        // '#' matches this level and everything below, including the parent itself.
        if (!(system && pos == 0)) {
            for (const T &v : node->hash)
                visit(v);
        }
        if (pos > topic.size()) {
            for (const T &v : node->here)
                visit(v);
            return;
        }
        qsizetype end = topic.indexOf('/', pos);
        if (end < 0)
            end = topic.size();
        const qsizetype next = end + 1;
        if (node->plus && !(system && pos == 0))
            matchAt(node->plus.get(), topic, next, system, visit);
        if (!node->children.empty()) {
            const auto it = node->children.find(topic.mid(pos, end - pos));
            if (it != node->children.end())
                matchAt(it->second.get(), topic, next, system, visit);
        }
    }

    Node m_root;
    qsizetype m_size = 0;
};

} // namespace ssehub
