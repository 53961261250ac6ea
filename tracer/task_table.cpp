#include "tracer/task_table.h"

namespace profilegen::tracer {

Task& TaskTable::AddOwn(pid_t tid, TaskState state, bool announced) {
  auto [it, inserted] = tasks_.try_emplace(tid);
  if (inserted || it->second.state == TaskState::kExited) {  // (a tombstone whose pid came back to us)
    ++live_;
    ++seen_;
  }
  it->second = Task{};
  it->second.state = state;
  it->second.announced = announced;
  return it->second;
}

Task* TaskTable::OnCreated(pid_t tid) {
  auto it = tasks_.find(tid);
  if (it == tasks_.end()) {
    Task& task = tasks_[tid];
    task.announced = true;
    ++live_;
    ++seen_;
    return &task;
  }
  if (it->second.state == TaskState::kExited) {
    tasks_.erase(it);  // it came and went before this event: nothing left to track
    return nullptr;
  }
  it->second.announced = true;
  return &it->second;
}

Task& TaskTable::OnStop(pid_t tid) {
  auto [it, inserted] = tasks_.try_emplace(tid);
  Task& task = it->second;
  if (inserted || task.state == TaskState::kExited) {
    // A new child's first stop can come before its creator's event; or the pid of a reaped task was reused by
    // a new child of ours (then the tombstone's pending event, if any, finds this task and only announces it).
    task = Task{};
    ++live_;
    ++seen_;
  }
  task.state = TaskState::kStopped;
  return task;
}

void TaskTable::OnGone(pid_t tid) {
  auto [it, inserted] = tasks_.try_emplace(tid);
  Task& task = it->second;
  if (!inserted && task.state != TaskState::kExited) --live_;
  if (!inserted && task.announced) {
    tasks_.erase(it);
    return;
  }
  // Its creator's event is still to come (or it was never seen alive): keep a tombstone for that event.
  task = Task{};
  task.state = TaskState::kExited;
}

Task* TaskTable::Live(pid_t tid) {
  auto it = tasks_.find(tid);
  if (it == tasks_.end() || it->second.state == TaskState::kExited) return nullptr;
  return &it->second;
}

std::vector<pid_t> TaskTable::LiveTids() const {
  std::vector<pid_t> tids;
  for (const auto& [tid, task] : tasks_) {
    if (task.state != TaskState::kExited) tids.push_back(tid);
  }
  return tids;
}

}  // namespace profilegen::tracer
