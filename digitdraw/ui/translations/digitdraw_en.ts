<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>AutogradTab</name>
    <message numerus="yes">
        <source>No Zero grad since the last Backward: each .grad now holds the sum of %n backward passes. This is the classic bug: call optimizer.zero_grad() before loss.backward().</source>
        <translation>
            <numerusform>No Zero grad since the last Backward: each .grad now holds the sum of %n backward pass. This is the classic bug: call optimizer.zero_grad() before loss.backward().</numerusform>
            <numerusform>No Zero grad since the last Backward: each .grad now holds the sum of %n backward passes. This is the classic bug: call optimizer.zero_grad() before loss.backward().</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message numerus="yes">
        <source>%n operation(s): click to open</source>
        <translation>
            <numerusform>%n operation: click to open</numerusform>
            <numerusform>%n operations: click to open</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RegressionTab</name>
    <message numerus="yes">
        <source>Converged after %n steps.</source>
        <translation>
            <numerusform>Converged after %n step.</numerusform>
            <numerusform>Converged after %n steps.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainTab</name>
    <message numerus="yes">
        <source>%n test digits it got wrong (true → said)</source>
        <translation>
            <numerusform>%n test digit it got wrong (true → said)</numerusform>
            <numerusform>%n test digits it got wrong (true → said)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The first %n of them</source>
        <translation>
            <numerusform>The first %n of them</numerusform>
            <numerusform>The first %n of them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finished %n epochs: {0} test accuracy</source>
        <translation>
            <numerusform>Finished %n epoch: {0} test accuracy</numerusform>
            <numerusform>Finished %n epochs: {0} test accuracy</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps; {0} test accuracy</source>
        <translation>
            <numerusform>Stopped by request after %n step; {0} test accuracy</numerusform>
            <numerusform>Stopped by request after %n steps; {0} test accuracy</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps</source>
        <translation>
            <numerusform>Stopped by request after %n step</numerusform>
            <numerusform>Stopped by request after %n steps</numerusform>
        </translation>
    </message>
</context>
</TS>
